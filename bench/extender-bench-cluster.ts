/**
 * The synthesized cluster of the extender benchmarks (bench/extender.bench.ts,
 * bench/extender-memory.bench.ts), from a seeded PRNG so every run sees the same cluster and pods:
 * 5,000 nodes (500 dedicated to department d0, 250 GPU nodes with 8 GPUs, 100 gateway nodes, the
 * rest the shared pool; 3 zones; hostname labels), 100,000 bound pods (20 per node, one department
 * per shared node, as isolation demands), 10 departments of 3 namespaces, every namespace with a
 * NamespacePolicy spreading `app` per hostname (at most 3) and per zone (at most 50).
 */
import { rawDepartment, rawNamespace, rawNamespacePolicy, rawNode, rawPod } from '@corral/cluster';

export const NODES = 5_000;
export const PODS_PER_NODE = 20;

export function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const departments = Array.from({ length: 10 }, (_, i) => `d${i}`);
const namespacesOf = (d: number) => [0, 1, 2].map((k) => `d${d}-ns${k}`);
export const nodeName = (i: number) => `node-${String(i).padStart(4, '0')}`;
/** The department whose pods run on node i. */
const departmentOnNode = (i: number) => (i < 500 ? 0 : 1 + (i % 9));
const isGpuNode = (i: number) => i >= 500 && i < 750;

function nodeObject(i: number): Record<string, unknown> {
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': nodeName(i),
    'topology.kubernetes.io/zone': `z${i % 3}`,
  };
  if (i < 500) labels['corral.dev/department'] = 'd0';
  if (isGpuNode(i)) labels['corral.dev/role'] = 'gpu';
  if (i >= 750 && i < 850) labels['corral.dev/role'] = 'gateway';
  return rawNode(nodeName(i), {
    labels,
    allocatable: {
      cpu: '64',
      memory: '256Gi',
      pods: '110',
      ...(isGpuNode(i) ? { 'nvidia.com/gpu': '8' } : {}),
    },
  });
}

/** The pods bound to node i. */
export function podsOfNode(i: number): Record<string, unknown>[] {
  const namespaces = namespacesOf(departmentOnNode(i));
  return Array.from({ length: PODS_PER_NODE }, (_, k) =>
    rawPod(namespaces[k % 3] ?? '', `p-${i}-${k}`, {
      nodeName: nodeName(i),
      labels: { app: `app-${(i + k) % 200}` },
      requests:
        isGpuNode(i) && k < 4 ? { cpu: '1', 'nvidia.com/gpu': '1' } : { cpu: '100m', memory: '128Mi' },
      uid: `5f0c7a2e-${String(i).padStart(4, '0')}-4b1d-9e3a-${String(k).padStart(12, '0')}`,
    }),
  );
}

/** Every object but the pods, by kind, in the order a service applies them. */
export function clusterObjects(): { kind: string; items: Record<string, unknown>[] }[] {
  const spread = {
    spread: [
      { labelKey: 'app', topologyKey: 'kubernetes.io/hostname', maxPerDomain: 3 },
      { labelKey: 'app', topologyKey: 'topology.kubernetes.io/zone', maxPerDomain: 50 },
    ],
  };
  return [
    {
      kind: 'Namespace',
      items: departments.flatMap((d, i) =>
        namespacesOf(i).map((ns) => rawNamespace(ns, { 'corral.dev/department': d })),
      ),
    },
    {
      kind: 'Department',
      items: departments.map((d, i) => rawDepartment(d, { nodeIsolation: i === 0 ? 'dedicated' : 'shared' })),
    },
    {
      kind: 'NamespacePolicy',
      items: departments.flatMap((_, i) =>
        namespacesOf(i).map((ns) => rawNamespacePolicy(ns, 'policy', { scheduling: spread })),
      ),
    },
    { kind: 'Node', items: Array.from({ length: NODES }, (_, i) => nodeObject(i)) },
  ];
}

/**
 * `count` filter bodies in names-only mode: a pending pod of a random shared department with a
 * random `app`, and `sample` distinct random node names (kube-scheduler's sample at 5,000 nodes).
 * Each body is `{Pod, Nodes: null, NodeNames}` as kube-scheduler sends it; `pod` is its Pod's JSON.
 */
export function filterBodies(count: number, sample: number, seed = 7): { body: string; pod: string }[] {
  const random = prng(seed);
  const pick = (n: number) => Math.floor(random() * n);
  return Array.from({ length: count }, () => {
    const d = 1 + pick(9);
    const names = new Set<string>();
    while (names.size < sample) names.add(nodeName(pick(NODES)));
    const raw = rawPod(namespacesOf(d)[pick(3)] ?? '', `new-${pick(1e9)}`, {
      phase: 'Pending',
      labels: { app: `app-${pick(200)}` },
      requests: { cpu: '250m' },
    });
    const pod = JSON.stringify({ metadata: raw['metadata'], spec: raw['spec'], status: raw['status'] });
    return { body: `{"Pod":${pod},"Nodes":null,"NodeNames":${JSON.stringify([...names])}}`, pod };
  });
}

/** The prioritize body kube-scheduler sends after a filter: the same Pod, the nodes that passed. */
export function prioritizeBody(pod: string, names: readonly string[]): string {
  return `{"Pod":${pod},"Nodes":null,"NodeNames":${JSON.stringify(names)}}`;
}
