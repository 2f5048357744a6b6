import { rawPod, type SnapshotStore } from '@corral/cluster';
import { examplesCluster } from './examples-cluster.js';
import { testExtender, type TestExtender } from './lab-cluster.js';

/** The expected outcomes written by hand in examples/README.md ("Things to try"). */
describe('extender on the examples cluster', () => {
  let store: SnapshotStore;
  let extender: TestExtender;
  let allNodes: string[];
  beforeAll(async () => {
    store = await examplesCluster();
    extender = testExtender(store);
    allNodes = [...store.nodes()].map((node) => node.name).sort();
  });
  afterAll(() => extender.close());

  const filter = (pod: Record<string, unknown>) => {
    const { body } = extender.handlers.filter({ Pod: pod, NodeNames: allNodes });
    return { passed: [...(body.NodeNames ?? [])].sort(), body };
  };

  it('given a new research pod without GPUs, keeps research-c-1, shared-c-1 and shared-c-2, with a reason for every other node', () => {
    const { passed, body } = filter(rawPod('research-batch', 'new', { phase: 'Pending' }));
    expect(passed).toEqual(['research-c-1', 'shared-c-1', 'shared-c-2']);
    const why = body.FailedAndUnresolvableNodes;
    expect(why['shared-a-1']).toContain('node runs pods of department web');
    expect(why['finance-a-1']).toContain('dedicated to department finance');
    expect(why['gpu-b-1']).toContain('dedicated to GPU workloads (pod requests no nvidia.com/gpu)');
    expect(why['gateway-a-1']).toContain('node runs pods of department web');
  });

  it('given a new finance pod, keeps only the finance nodes', () => {
    expect(filter(rawPod('finance-dev', 'new', { phase: 'Pending' })).passed).toEqual([
      'finance-a-1',
      'finance-b-1',
      'finance-c-1',
    ]);
  });

  it('given a research-ml pod asking for 2 GPUs, keeps only gpu-b-1 (gpu-a-1 has 1 free)', () => {
    const { passed, body } = filter(
      rawPod('research-ml', 'new', { phase: 'Pending', requests: { 'nvidia.com/gpu': '2' } }),
    );
    expect(passed).toEqual(['gpu-b-1']);
    expect(body.FailedNodes['gpu-a-1']).toContain('has 1 of 4 nvidia.com/gpu free, pod requests 2');
  });

  it('given a third edge-gateway replica, fits no node (one gateway per node)', () => {
    const labels = { app: 'edge-gateway', 'corral.dev/role': 'gateway' };
    const { passed, body } = filter(rawPod('web-gateway', 'new', { phase: 'Pending', labels }));
    expect(passed).toEqual([]);
    expect(body.FailedNodes['gateway-a-1']).toContain('spread');
  });

  it('given a fourth storefront in web-prod, avoids zone a and keeps shared-b-1 and shared-c-2', () => {
    const { passed } = filter(rawPod('web-prod', 'new', { phase: 'Pending', labels: { app: 'storefront' } }));
    expect(passed).toEqual(['shared-b-1', 'shared-c-2']);
  });

  it('given a fourth payments-api replica, fits no node', () => {
    expect(
      filter(rawPod('finance-prod', 'new', { phase: 'Pending', labels: { app: 'payments-api' } })).passed,
    ).toEqual([]);
  });

  it('given a payments-worker, scores finance-b-1 (runs app=redis) above the other finance nodes', () => {
    const pod = rawPod('finance-prod', 'new', { phase: 'Pending', labels: { app: 'payments-worker' } });
    const { body } = extender.handlers.prioritize({
      Pod: pod,
      NodeNames: ['finance-a-1', 'finance-b-1', 'finance-c-1'],
    });
    const score = new Map(body.map((h) => [h.Host, h.Score]));
    expect(score.get('finance-b-1')).toBeGreaterThan(score.get('finance-a-1') ?? 10);
    expect(score.get('finance-a-1')).toBe(score.get('finance-c-1'));
  });

  it('given a research pod, scores its own node above the shared pool', () => {
    const pod = rawPod('research-batch', 'new', { phase: 'Pending' });
    const { body } = extender.handlers.prioritize({ Pod: pod, NodeNames: ['research-c-1', 'shared-c-2'] });
    expect(body).toEqual([
      { Host: 'research-c-1', Score: 10 },
      { Host: 'shared-c-2', Score: 0 },
    ]);
  });

  it('given a GPU pod, scores the fuller GPU node higher (packing)', () => {
    const pod = rawPod('research-ml', 'new', { phase: 'Pending', requests: { 'nvidia.com/gpu': '1' } });
    const { body } = extender.handlers.prioritize({ Pod: pod, NodeNames: ['gpu-a-1', 'gpu-b-1'] });
    const [a, b] = body;
    expect(a?.Score).toBeGreaterThan(b?.Score ?? 10);
  });
});
