import { rawDepartment, rawNamespace, rawNode, rawPod, SnapshotStore } from '@corral/cluster';
import { DEPARTMENT_LABEL } from '@corral/policy';
import fc from 'fast-check';
import { testExtender } from './lab-cluster.js';

const DEPARTMENTS = ['a', 'b', 'c'];
const NAMESPACES = ['a-ns', 'b-ns', 'c-ns', 'free-ns'];

function randomCluster(nodes: readonly { dedicatedTo: string | null; gpu: boolean }[]): SnapshotStore {
  const store = new SnapshotStore();
  store.replaceAll(
    'Namespace',
    NAMESPACES.map((ns) => rawNamespace(ns, ns === 'free-ns' ? {} : { [DEPARTMENT_LABEL]: ns.slice(0, 1) })),
    'prop',
  );
  store.replaceAll(
    'Department',
    DEPARTMENTS.map((d) => rawDepartment(d, { nodeIsolation: d === 'c' ? 'dedicated' : 'shared' })),
    'prop',
  );
  store.replaceAll(
    'Node',
    nodes.map((node, i) =>
      rawNode(`n${i}`, {
        labels: node.dedicatedTo ? { [DEPARTMENT_LABEL]: node.dedicatedTo } : {},
        ...(node.gpu
          ? { allocatable: { cpu: '8', memory: '32Gi', pods: '110', 'nvidia.com/gpu': '2' } }
          : {}),
      }),
    ),
    'prop',
  );
  return store;
}

const nodeArb = fc.record({ dedicatedTo: fc.constantFrom(null, null, ...DEPARTMENTS), gpu: fc.boolean() });
const podArb = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  gpu: fc.constantFrom(0, 0, 1, 2),
  subset: fc.array(fc.nat(), { maxLength: 12 }),
  choice: fc.nat(),
  asFullNodes: fc.boolean(),
});

describe('filter over random placements (property)', () => {
  it('never returns a node outside its input and never puts two departments on one node', async () => {
    // Pods placed over every run: a filter refusing every node would pass the checks below vacuously.
    let placed = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(nodeArb, { minLength: 1, maxLength: 8 }),
        fc.array(podArb, { maxLength: 25 }),
        async (nodes, pods) => {
          const store = randomCluster(nodes);
          const extender = testExtender(store);
          try {
            for (const [i, pod] of pods.entries()) {
              const names = [...new Set(pod.subset.map((k) => `n${k % nodes.length}`))];
              const raw = rawPod(pod.namespace, `p${i}`, {
                phase: 'Pending',
                ...(pod.gpu > 0 ? { requests: { 'nvidia.com/gpu': String(pod.gpu) } } : {}),
              });
              const items = names.map((name) =>
                rawNode(name, {
                  labels: store.node(name)?.labels ?? {},
                  ...(store.node(name)?.role === 'gpu' ? { allocatable: { 'nvidia.com/gpu': '2' } } : {}),
                }),
              );
              const args = pod.asFullNodes
                ? { Pod: raw, Nodes: { metadata: {}, items }, NodeNames: null }
                : { Pod: raw, Nodes: null, NodeNames: names };
              const { body } = extender.handlers.filter(args);
              expect(body.Error).toBe('');
              const passed =
                body.NodeNames ??
                (body.Nodes?.items ?? []).map((n) => (n as { metadata: { name: string } }).metadata.name);
              for (const name of passed) expect(names).toContain(name);
              for (const name of Object.keys({ ...body.FailedNodes, ...body.FailedAndUnresolvableNodes }))
                expect(passed).not.toContain(name);
              const chosen = passed[pod.choice % Math.max(1, passed.length)];
              if (chosen === undefined) continue;
              placed += 1;
              store.upsert(
                'Pod',
                {
                  ...raw,
                  spec: { ...(raw['spec'] as object), nodeName: chosen },
                  status: { phase: 'Running' },
                },
                'prop',
              );
              for (const node of store.nodes()) {
                const present = [...store.departmentsOnNode(node.name)].filter(([, count]) => count > 0);
                expect(present.length).toBeLessThanOrEqual(1);
                if (node.department !== undefined && present[0]) expect(present[0][0]).toBe(node.department);
              }
            }
          } finally {
            await extender.close();
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(placed).toBeGreaterThan(100); // ~250 in practice
  });
});
