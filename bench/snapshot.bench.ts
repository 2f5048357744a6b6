/**
 * Cluster snapshot benchmark: `npx tsx bench/snapshot.bench.ts` (add `--expose-gc` through
 * NODE_OPTIONS for steadier memory numbers). Synthesizes a 5,000-node, 100,000-pod cluster and
 * measures full load, per-event latency and lookups with process.hrtime; results in docs/benchmarks.md.
 */
import {
  rawDepartment,
  rawNamespace,
  rawNamespacePolicy,
  rawNode,
  rawPod,
  rawPvc,
  SnapshotStore,
  type WatchedKind,
} from '@corral/cluster';

const NODES = 5_000;
const PODS = 100_000;
const NAMESPACES = 200;
const DEPARTMENTS = 8;
const PVCS = 5_000;
const EVENTS = 20_000;
const RELABELS = 2_000;

let seed = 42;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const departments = Array.from({ length: DEPARTMENTS }, (_, i) => `dept${i}`);
const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `ns${i}`);
const departmentOf = (namespace: number) => departments[namespace % DEPARTMENTS] as string;
const nodeNames = Array.from({ length: NODES }, (_, i) => `node${String(i).padStart(4, '0')}`);
// 60% of nodes are dedicated to a department, 40% form the shared pool; 5% carry GPUs.
const nodesOf = new Map<string, string[]>(departments.map((d) => [d, []]));
const shared: string[] = [];

function synthesize() {
  const nodes = nodeNames.map((name, i) => {
    const dedicated = i % 10 < 6 ? departments[i % DEPARTMENTS] : undefined;
    if (dedicated) nodesOf.get(dedicated)?.push(name);
    else shared.push(name);
    const gpu: Record<string, string> = i % 20 === 0 ? { 'nvidia.com/gpu': '8' } : {};
    return rawNode(name, {
      labels: { ...nodeLabels(i), ...(dedicated ? { 'corral.dev/department': dedicated } : {}) },
      allocatable: { cpu: '64', memory: '256Gi', pods: '110', ...gpu },
    });
  });
  const nsObjects = namespaces.map((name, i) =>
    rawNamespace(name, { 'corral.dev/department': departmentOf(i) }),
  );
  const deptObjects = departments.map((name, i) =>
    rawDepartment(
      name,
      { quota: { hard: { 'requests.cpu': '10000', pods: '50000' } } },
      `2024-01-0${(i % 9) + 1}T00:00:00Z`,
    ),
  );
  const policies = namespaces.map((ns) => rawNamespacePolicy(ns, 'policy', { enforcement: 'enforce' }));
  const pods = Array.from({ length: PODS }, (_, i) => podObject(i, i % NAMESPACES));
  const pvcs = Array.from({ length: PVCS }, (_, i) =>
    rawPvc(namespaces[i % NAMESPACES] as string, `data-${i}`, '10Gi'),
  );
  return {
    Node: nodes,
    Namespace: nsObjects,
    Department: deptObjects,
    NamespacePolicy: policies,
    Pod: pods,
    PersistentVolumeClaim: pvcs,
  };
}

const nodeLabels = (i: number, zone = i % 3) => ({
  'kubernetes.io/hostname': nodeNames[i] as string,
  'topology.kubernetes.io/zone': `z${zone}`,
});

function nodeFor(namespace: number): string {
  const own = nodesOf.get(departmentOf(namespace)) ?? [];
  return random() < 0.7 ? pick(own) : pick(shared);
}

function podObject(i: number, namespace: number, nodeName = nodeFor(namespace)) {
  return rawPod(namespaces[namespace] as string, `pod-${i}`, {
    nodeName,
    labels: { app: `app-${i % 50}` },
    requests: { cpu: pick(['100m', '250m', '500m', '1']), memory: pick(['128Mi', '512Mi', '1Gi']) },
    limits: { cpu: '2', memory: '2Gi', ...(i % 100 === 0 ? { 'nvidia.com/gpu': '1' } : {}) },
  });
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function timeEach(count: number, run: (i: number) => void): { p50: number; p99: number; mean: number } {
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i += 1) {
    const start = process.hrtime.bigint();
    run(i);
    samples[i] = Number(process.hrtime.bigint() - start) / 1_000;
  }
  const mean = samples.reduce((a, b) => a + b, 0) / count;
  samples.sort();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), mean };
}

function timeOnce(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const mb = (bytes: number) => `${fmt(bytes / 2 ** 20, 0)} MB`;
const gc = (globalThis as { gc?: () => void }).gc;

function main(): void {
  const objects = synthesize();
  const all = Object.values(objects).flat();
  console.log(
    `cluster: ${NODES} nodes, ${PODS} pods, ${NAMESPACES} namespaces, ${DEPARTMENTS} departments, ${PVCS} PVCs`,
  );
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;

  // Baselines: what merely touching the same input costs.
  const json = all.map((o) => JSON.stringify(o));
  const cloneMs = timeOnce(() => all.forEach((o) => structuredClone(o)));
  const parseMs = timeOnce(() => json.forEach((text) => JSON.parse(text)));

  const store = new SnapshotStore();
  const order: WatchedKind[] = [
    'Namespace',
    'Node',
    'Department',
    'NamespacePolicy',
    'PersistentVolumeClaim',
    'Pod',
  ];
  const perKind: Record<string, number> = {};
  const loadMs = timeOnce(() => {
    for (const kind of order) perKind[kind] = timeOnce(() => store.replaceAll(kind, objects[kind], 'bench'));
  });
  const relistMs = timeOnce(() => store.replaceAll('Pod', objects.Pod, 'relist'));
  gc?.();
  const memory = process.memoryUsage();
  console.log(
    `baseline structuredClone of all objects: ${fmt(cloneMs, 0)} ms; JSON.parse: ${fmt(parseMs, 0)} ms`,
  );
  console.log(
    `full load (replaceAll per kind): ${fmt(loadMs, 0)} ms = ${fmt(loadMs / cloneMs)}x structuredClone, ${fmt(loadMs / parseMs)}x JSON.parse`,
  );
  console.log(
    `  per kind (ms): ${Object.entries(perKind)
      .map(([k, v]) => `${k} ${fmt(v, 0)}`)
      .join(', ')}`,
  );
  console.log(`unchanged pod relist (100k, diff only): ${fmt(relistMs, 0)} ms`);
  console.log(
    `memory after load: rss ${mb(memory.rss)}, heap used ${mb(memory.heapUsed)} (snapshot + input ~${mb(memory.heapUsed - heapBefore)} over the input)${gc ? '' : ' [no --expose-gc]'}`,
  );

  const added = Array.from({ length: EVENTS }, (_, i) => podObject(PODS + i, i % NAMESPACES));
  const moved = added.map((_, i) => podObject(PODS + i, i % NAMESPACES, pick(shared)));
  const report = (name: string, r: { p50: number; p99: number; mean: number }) =>
    console.log(
      `${name.padEnd(34)} p50 ${fmt(r.p50, 2)} µs   p99 ${fmt(r.p99, 2)} µs   mean ${fmt(r.mean, 2)} µs`,
    );
  report(
    'pod add',
    timeEach(EVENTS, (i) => store.upsert('Pod', added[i], 'bench')),
  );
  report(
    'pod modify (move node)',
    timeEach(EVENTS, (i) => store.upsert('Pod', moved[i], 'bench')),
  );
  report(
    'pod delete',
    timeEach(EVENTS, (i) => store.remove('Pod', moved[i], 'bench')),
  );
  report(
    'namespace relabel (~500 pods each)',
    timeEach(RELABELS, (i) => {
      const ns = i % NAMESPACES;
      const to = departments[(ns + 1 + Math.floor(i / NAMESPACES)) % DEPARTMENTS] as string;
      store.upsert(
        'Namespace',
        rawNamespace(namespaces[ns] as string, { 'corral.dev/department': to }),
        'bench',
      );
    }),
  );
  const zoneQuery = (i: number) => ({
    topologyKey: 'topology.kubernetes.io/zone',
    domain: `z${i % 3}`,
    namespace: namespaces[i % NAMESPACES] as string,
    labelKey: 'app',
    labelValue: `app-${i % 50}`,
  });
  console.log(
    `first countPodsInDomain (builds the zone/app counts over every pod): ${fmt(
      timeOnce(() => store.countPodsInDomain(zoneQuery(0))),
      1,
    )} ms`,
  );
  report(
    'node zone relabel (~20 pods move)',
    timeEach(RELABELS, (i) => {
      const node = i % NODES;
      const raw = objects.Node[node] as { metadata: { labels: Record<string, string> } };
      const labels = { ...raw.metadata.labels, ...nodeLabels(node, (node + 1 + Math.floor(i / NODES)) % 3) };
      store.upsert('Node', { ...raw, metadata: { ...raw.metadata, labels } }, 'bench');
    }),
  );
  report(
    'countPodsInDomain (zone)',
    timeEach(100_000, (i) => store.countPodsInDomain(zoneQuery(i))),
  );
  report(
    'usageOfDepartment',
    timeEach(100_000, (i) => store.usageOfDepartment(departments[i % DEPARTMENTS] as string)),
  );
  report(
    'podsOnNode',
    timeEach(100_000, (i) => store.podsOnNode(nodeNames[i % NODES] as string).size),
  );
  report(
    'departmentsOnNode',
    timeEach(100_000, (i) => store.departmentsOnNode(nodeNames[i % NODES] as string).size),
  );
  const used = store.usageOfDepartment('dept0');
  console.log(
    `check: dept0 pods ${Number((used.get('pods') ?? 0n) / 1_000_000_000n)}, problems ${store.problems().length}, revision ${store.revision}`,
  );
}

main();
