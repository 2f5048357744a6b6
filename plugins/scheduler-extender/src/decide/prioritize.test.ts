import { rawNode, rawPod, type SnapshotStore } from '@corral/cluster';
import {
  clusterView,
  contextOf,
  podView,
  smallCluster,
  TEST_OPTIONS,
  withScheduling,
} from '../testing/small-cluster.js';
import { testExtender } from '../testing/test-extender.js';
import { candidatesFromNames } from './candidate.js';
import { explainPod } from './explain.js';
import { prioritizeNodes } from './prioritize.js';

const GPU = { requests: { 'nvidia.com/gpu': '1' } };
const SHOP = { labels: { app: 'shop' } };

/**
 * smallCluster plus two shared 8-GPU nodes: gpu-8a with 2 GPUs used, gpu-8b with 3 (res-ns pods).
 * After a 1-GPU pod, 3/8 and 4/8 full.
 */
function eightGpuNodes(): SnapshotStore {
  const store = smallCluster();
  const allocatable = { cpu: '64', memory: '256Gi', pods: '110', 'nvidia.com/gpu': '8' };
  for (const name of ['gpu-8a', 'gpu-8b'])
    store.upsert('Node', rawNode(name, { labels: { 'corral.dev/role': 'gpu' }, allocatable }), 'test');
  const used = (name: string, node: string, gpus: string) =>
    rawPod('res-ns', name, { nodeName: node, requests: { 'nvidia.com/gpu': gpus } });
  store.upsert('Pod', used('train-a', 'gpu-8a', '2'), 'test');
  store.upsert('Pod', used('train-b', 'gpu-8b', '3'), 'test');
  return store;
}

function scores(store: SnapshotStore, namespace: string, names: string[], pod = {}, name = 'new') {
  const result = prioritizeNodes(
    contextOf(store, podView(namespace, name, pod)),
    candidatesFromNames(names, (node) => store.node(node)),
    clusterView(store),
    TEST_OPTIONS,
  );
  return Object.fromEntries(result.map((s) => [s.node, s.score]));
}

describe('prioritizeNodes', () => {
  it.each([
    // res has no node of its own: own-nodes says 0 everywhere and must not flatten packing.
    ['a department GPU pod on shared GPU nodes', 'res-ns', { 'gpu-8a': 4, 'gpu-8b': 5 }],
    ['a GPU pod of no department', 'sandbox', { 'gpu-8a': 4, 'gpu-8b': 5 }],
  ])('given %s, scores the fuller node higher (3/8 vs 4/8 after)', (_what, namespace, expected) => {
    expect(scores(eightGpuNodes(), namespace, ['gpu-8a', 'gpu-8b'], GPU)).toEqual(expected);
  });

  it.each([
    ['own and shared nodes', ['fin-1', 'shared-1'], { 'fin-1': 10, 'shared-1': 0 }],
    ['own nodes only', ['fin-1'], { 'fin-1': 0 }],
    ['an own node and an unknown one', ['fin-1', 'nope'], { 'fin-1': 10, nope: 0 }],
  ])('given a department pod and %s, prefers its own nodes only where they differ', (_w, names, expected) => {
    expect(scores(smallCluster(), 'fin-ns', names)).toEqual(expected);
  });

  it('given colocate and only shared nodes, scores the node running the partner 10', () => {
    const store = withScheduling(smallCluster(), 'web-ns', {
      colocate: [{ selector: { matchLabels: { app: 'shop' } }, weight: 1 }],
    });
    expect(scores(store, 'web-ns', ['shared-1', 'shared-2'], SHOP)).toEqual({
      'shared-1': 0,
      'shared-2': 10,
    });
  });

  it('given colocate and the pod itself already placed (assumed or bound), does not attract it', () => {
    const store = withScheduling(smallCluster(), 'web-ns', {
      colocate: [{ selector: { matchLabels: { app: 'shop' } }, weight: 1 }],
    });
    store.upsert('Pod', rawPod('web-ns', 'new', { nodeName: 'shared-1', ...SHOP }), 'test');
    expect(scores(store, 'web-ns', ['shared-1', 'shared-2'], SHOP)).toEqual({
      'shared-1': 0,
      'shared-2': 10,
    });
  });

  it('given the same input twice, answers the same (and only integers 0..10)', () => {
    const store = eightGpuNodes();
    const names = ['gpu-8a', 'gpu-8b', 'gpu-1', 'gpu-2', 'nope', 'fin-1'];
    const first = scores(store, 'res-ns', names, GPU);
    expect(scores(store, 'res-ns', names, GPU)).toEqual(first);
    for (const score of Object.values(first))
      expect(Number.isInteger(score) && score >= 0 && score <= 10).toBe(true);
  });

  it('given a pod of a system namespace, scores every node 0', () => {
    expect(scores(eightGpuNodes(), 'kube-system', ['gpu-8a', 'gpu-8b'], GPU)).toEqual({
      'gpu-8a': 0,
      'gpu-8b': 0,
    });
  });
});

type Scores = { Host: string; Score: number }[];

describe('explainPod scores', () => {
  it('given refused nodes among the candidates, scores the fitting ones as prioritize is asked about them', () => {
    // res-gpu is res's own node but refuses a pod without GPUs: own-nodes must not count it.
    const store = withScheduling(smallCluster(), 'res-ns', {
      colocate: [{ selector: { matchLabels: { app: 'shop' } }, weight: 1 }],
    });
    const labels = { 'corral.dev/department': 'res', 'corral.dev/role': 'gpu' };
    store.upsert('Node', rawNode('res-gpu', { labels, allocatable: { 'nvidia.com/gpu': '4' } }), 'test');
    store.upsert('Node', rawNode('shared-3'), 'test');
    store.upsert('Pod', rawPod('res-ns', 'shop-1', { nodeName: 'shared-1', ...SHOP }), 'test');
    const names = ['shared-1', 'shared-3', 'res-gpu'];
    const rows = explainPod(
      contextOf(store, podView('res-ns', 'new')),
      candidatesFromNames(names, (node) => store.node(node)),
      clusterView(store),
      TEST_OPTIONS,
    );
    expect(rows.map((row) => [row.node, row.verdict, row.score])).toEqual([
      ['shared-1', 'fits', 10],
      ['shared-3', 'fits', 0],
      ['res-gpu', 'refused (unresolvable)', undefined],
    ]);
    expect(scores(store, 'res-ns', ['shared-1', 'shared-3'])).toEqual({ 'shared-1': 10, 'shared-3': 0 });
  });
});

describe('prioritize, served', () => {
  it.each([
    ['names only', (pod: unknown) => ({ Pod: pod, NodeNames: ['gpu-8a', 'gpu-8b'] })],
    [
      'full Nodes',
      (pod: unknown, store = eightGpuNodes()) => ({
        Pod: pod,
        Nodes: { metadata: {}, items: ['gpu-8a', 'gpu-8b'].map((name) => rawNodeOf(store, name)) },
      }),
    ],
  ])(
    'given a department GPU pod and two shared GPU nodes (%s), packs onto the fuller one',
    async (_w, body) => {
      const { extender, post } = testExtender(eightGpuNodes());
      const pod = rawPod('res-ns', 'train-c', { phase: 'Pending', requests: { 'nvidia.com/gpu': '1' } });
      const answer = await post('prioritize', body(pod));
      expect(answer.status).toBe(200);
      expect(answer.body as unknown as Scores).toEqual([
        { Host: 'gpu-8a', Score: 4 },
        { Host: 'gpu-8b', Score: 5 },
      ]);
      await extender.close();
    },
  );

  it("given a department's own empty GPU node and a nearly full shared one, prefers its own (packing ranks within each)", async () => {
    const store = eightGpuNodes();
    const allocatable = { cpu: '64', memory: '256Gi', pods: '110', 'nvidia.com/gpu': '8' };
    const labels = { 'corral.dev/role': 'gpu', 'corral.dev/department': 'res' };
    store.upsert('Node', rawNode('res-gpu', { labels, allocatable }), 'test');
    store.upsert(
      'Pod',
      rawPod('res-ns', 'train-d', { nodeName: 'gpu-8b', requests: { 'nvidia.com/gpu': '3' } }),
      'test',
    );
    const { extender, post } = testExtender(store);
    const pod = rawPod('res-ns', 'train-e', { phase: 'Pending', ...GPU });
    // After the pod: res-gpu 1/8 full (own), gpu-8a 3/8, gpu-8b 7/8 (shared). Own nodes score 6..10,
    // the shared pool 0..5: the shared pool is used for what the department's own nodes cannot take.
    const answer = await post('prioritize', { Pod: pod, NodeNames: ['gpu-8a', 'gpu-8b', 'res-gpu'] });
    expect(answer.body as unknown as Scores).toEqual([
      { Host: 'gpu-8a', Score: 2 },
      { Host: 'gpu-8b', Score: 4 },
      { Host: 'res-gpu', Score: 7 },
    ]);
    await extender.close();
  });

  it('given a pod bound by the extender and scheduled again (bind timed out), its own placement does not attract it', async () => {
    const store = withScheduling(smallCluster(), 'web-ns', {
      colocate: [{ selector: { matchLabels: { app: 'shop' } }, weight: 1 }],
    });
    const { extender, post } = testExtender(store);
    const pod = rawPod('web-ns', 'shop-9', { phase: 'Pending', uid: 'u-shop-9', ...SHOP });
    const body = { Pod: pod, NodeNames: ['shared-1', 'shared-2'] };
    const before = (await post('prioritize', body)).body as unknown as Scores;
    expect((await post('filter', { Pod: pod, NodeNames: ['shared-1'] })).body['NodeNames']).toEqual([
      'shared-1',
    ]);
    const bind = { PodNamespace: 'web-ns', PodName: 'shop-9', PodUID: 'u-shop-9', Node: 'shared-1' };
    expect((await post('bind', bind)).body).toEqual({ Error: '' });
    // Assumed on shared-1 now; kube-scheduler, its bind call timed out, schedules the pod again.
    expect((await post('prioritize', body)).body).toEqual(before);
    expect(before).toEqual([
      { Host: 'shared-1', Score: 0 },
      { Host: 'shared-2', Score: 10 },
    ]);
    await extender.close();
  });
});

function rawNodeOf(store: ReturnType<typeof eightGpuNodes>, name: string): Record<string, unknown> {
  const node = store.node(name);
  if (!node) throw new Error(`no node ${name}`);
  const allocatable = Object.fromEntries(
    [...node.allocatable].map(([resource, nano]) => [resource, String(nano / 1_000_000_000n)]),
  );
  return { metadata: { name, labels: node.labels }, status: { allocatable } };
}
