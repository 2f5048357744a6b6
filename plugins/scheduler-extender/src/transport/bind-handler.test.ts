import { rawNode, rawPod, type PodSpecOptions } from '@corral/cluster';
import { smallCluster, withScheduling } from '../testing/small-cluster.js';
import { EXT_ERR, ExtenderError } from '../errors.js';
import { testExtender } from '../testing/test-extender.js';

const pending = (namespace: string, name: string, options: PodSpecOptions = {}) =>
  rawPod(namespace, name, { phase: 'Pending', ...options });
const bindArgs = (namespace: string, name: string, uid: string, node: string) => ({
  PodNamespace: namespace,
  PodName: name,
  PodUID: uid,
  Node: node,
});

type Post = ReturnType<typeof testExtender>['post'];

/** shared-1 still counts a web pod: a res pod's filter there is refused, unresolvably. */
async function expectShared1HeldByWeb(post: Post): Promise<void> {
  const other = await post('filter', {
    Pod: pending('res-ns', 'r1', { uid: 'u-r1' }),
    NodeNames: ['shared-1'],
  });
  expect(other.body['FailedAndUnresolvableNodes']).toEqual({
    'shared-1': expect.stringContaining('node runs pods of department web'),
  });
}

describe('bind, served', () => {
  it.each([
    ['bound elsewhere', { nodeName: 'shared-2', phase: 'Running' }, false],
    ['pending, then deleted', { phase: 'Pending' }, true],
  ] as const)(
    'given an older pod of the same name (other UID) %s, keeps the new pod assumed on its node',
    async (_, old, deleteOld) => {
      const store = smallCluster();
      const stale = rawPod('web-ns', 'web-0', { uid: 'old', ...old });
      store.upsert('Pod', stale, 'test');
      const { extender, binder, post } = testExtender(store);
      await post('filter', { Pod: pending('web-ns', 'web-0', { uid: 'new' }), NodeNames: ['shared-1'] });
      expect((await post('bind', bindArgs('web-ns', 'web-0', 'new', 'shared-1'))).body).toEqual({
        Error: '',
      });
      if (deleteOld) store.remove('Pod', stale, 'test');
      const other = pending('res-ns', 'r1', { uid: 'u-r1' });
      const filtered = await post('filter', { Pod: other, NodeNames: ['shared-1'] });
      expect(filtered.body['FailedAndUnresolvableNodes']).toEqual({
        'shared-1': expect.stringContaining('node runs pods of department web'),
      });
      const bound = await post('bind', bindArgs('res-ns', 'r1', 'u-r1', 'shared-1'));
      expect(bound.body['Error']).toMatch(/^EXT_ERR_BIND_REFUSED: /);
      expect(binder.bound.map((args) => args.podName)).toEqual(['web-0']);
      await extender.close();
    },
  );

  it('given a late bind of an older pod of a name (another UID) than the one Corral knows, refuses it and keeps the new assumption', async () => {
    const { extender, binder, post } = testExtender(smallCluster());
    await post('filter', { Pod: pending('web-ns', 'web-0', { uid: 'new' }), NodeNames: ['shared-1'] });
    expect((await post('bind', bindArgs('web-ns', 'web-0', 'new', 'shared-1'))).body).toEqual({ Error: '' });
    const stale = await post('bind', bindArgs('web-ns', 'web-0', 'old', 'shared-1'));
    expect(stale.body['Error']).toMatch(
      /^EXT_ERR_BIND_REFUSED: pod web-ns\/web-0 with uid old is not the pod/,
    );
    // web-0 still holds shared-1 for its department.
    await expectShared1HeldByWeb(post);
    expect(binder.bound.map((args) => args.podUid)).toEqual(['new']);
    await extender.close();
  });

  it('given a bind of a pod this replica never saw, still refuses a node of another department', async () => {
    const { extender, binder, post } = testExtender(smallCluster());
    const onFin = await post('bind', bindArgs('res-ns', 'r8', 'u-r8', 'fin-1'));
    expect(onFin.body['Error']).toMatch(/^EXT_ERR_BIND_REFUSED: .*node is dedicated to department fin/);
    const onWeb = await post('bind', bindArgs('res-ns', 'r9', 'u-r9', 'shared-2'));
    expect(onWeb.body['Error']).toMatch(/^EXT_ERR_BIND_REFUSED: .*node runs pods of department web/);
    expect((await post('bind', bindArgs('res-ns', 'r7', 'u-r7', 'shared-1'))).body).toEqual({ Error: '' });
    expect(binder.bound.map((args) => args.podName)).toEqual(['r7']);
    await extender.close();
  });

  it("given a failed bind that finishes after a retry of the same pod succeeded, keeps the retry's assumption", async () => {
    let failFirst: ((error: Error) => void) | undefined;
    const calls: string[] = [];
    const binder = {
      bind: () => {
        calls.push('bind');
        if (calls.length === 1) return new Promise<void>((_, reject) => (failFirst = reject));
        return Promise.resolve();
      },
    };
    const { extender, post } = testExtender(smallCluster(), { binder });
    await post('filter', { Pod: pending('web-ns', 'web-0', { uid: 'u' }), NodeNames: ['shared-1'] });
    const first = post('bind', bindArgs('web-ns', 'web-0', 'u', 'shared-1'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await post('bind', bindArgs('web-ns', 'web-0', 'u', 'shared-1'))).body).toEqual({ Error: '' });
    failFirst?.(new Error('socket hang up'));
    expect((await first).body['Error']).not.toBe('');
    await expectShared1HeldByWeb(post);
    await extender.close();
  });

  it('given a binding call given up at its timeout (it may exist), keeps the pod assumed on the node', async () => {
    const timedOut = new ExtenderError(
      EXT_ERR.BIND_FAILED,
      'binding … got no answer in time (it may exist)',
      {
        details: { outcomeUnknown: true },
      },
    );
    const { extender, post } = testExtender(smallCluster(), {
      binder: { bind: () => Promise.reject(timedOut) },
    });
    await post('filter', { Pod: pending('web-ns', 'web-0', { uid: 'u' }), NodeNames: ['shared-1'] });
    expect((await post('bind', bindArgs('web-ns', 'web-0', 'u', 'shared-1'))).body['Error']).toMatch(
      /may exist/,
    );
    await expectShared1HeldByWeb(post);
    await extender.close();
  });

  it.each([
    ['the node it is bound to (boundTo)', true, { boundTo: 'shared-1' }],
    ['no node (another pod of its name)', false, {}],
  ])(
    'given a bind refused by the API as already bound elsewhere, naming %s, holds that node: %s',
    async (_what, held, details) => {
      let calls = 0;
      const conflict = new ExtenderError(EXT_ERR.BIND_CONFLICT, 'pod web-ns/web-0 is already bound', {
        details,
      });
      const binder = { bind: () => (++calls === 1 ? Promise.resolve() : Promise.reject(conflict)) };
      const store = smallCluster();
      store.upsert('Node', rawNode('shared-3'), 'test');
      const { extender, post } = testExtender(store, { binder });
      await post('filter', { Pod: pending('web-ns', 'web-0', { uid: 'u' }), NodeNames: ['shared-1'] });
      expect((await post('bind', bindArgs('web-ns', 'web-0', 'u', 'shared-1'))).body).toEqual({
        Error: '',
      });
      // The answer reached kube-scheduler too late: it scheduled the pod again, onto shared-3.
      const again = await post('bind', bindArgs('web-ns', 'web-0', 'u', 'shared-3'));
      expect(again.body['Error']).toMatch(/^EXT_ERR_BIND_CONFLICT: /);
      if (held) await expectShared1HeldByWeb(post);
      else {
        const other = await post('filter', {
          Pod: pending('res-ns', 'r1', { uid: 'u-r1' }),
          NodeNames: ['shared-1', 'shared-3'],
        });
        expect(other.body['NodeNames']).toEqual(['shared-1', 'shared-3']);
      }
      await extender.close();
    },
  );

  it('given two departments filtered in full mode onto a node the snapshot lacks, refuses the second bind', async () => {
    const { extender, binder, post } = testExtender(smallCluster());
    const nodes = { metadata: {}, items: [rawNode('new-1', { allocatable: { cpu: '8', pods: '110' } })] };
    const web = pending('web-ns', 'w1', { uid: 'u-w1' });
    const res = pending('res-ns', 'r1', { uid: 'u-r1' });
    const none = pending('sandbox', 's1', { uid: 'u-s1' });
    for (const pod of [web, res, none]) await post('filter', { Pod: pod, Nodes: nodes, NodeNames: null });
    expect((await post('bind', bindArgs('web-ns', 'w1', 'u-w1', 'new-1'))).body).toEqual({ Error: '' });
    const second = await post('bind', bindArgs('res-ns', 'r1', 'u-r1', 'new-1'));
    expect(second.body['Error']).toBe(
      'EXT_ERR_BIND_REFUSED: node new-1 no longer fits pod res-ns/r1 (department-isolation: node runs ' +
        'pods of department web, and shared nodes never mix departments); kube-scheduler schedules it again',
    );
    expect((await post('bind', bindArgs('sandbox', 's1', 'u-s1', 'new-1'))).body).toEqual({ Error: '' });
    expect(binder.bound.map((args) => args.podName)).toEqual(['w1', 's1']);
    await extender.close();
  });

  it('given two GPU pods filtered in full mode onto a GPU node the snapshot lacks, refuses the bind that would overcommit it', async () => {
    const { extender, binder, post } = testExtender(smallCluster());
    const gpuNode = rawNode('gpu-new', {
      labels: { 'corral.dev/role': 'gpu' },
      allocatable: { cpu: '8', pods: '110', 'nvidia.com/gpu': '4' },
    });
    const nodes = { metadata: {}, items: [gpuNode] };
    const trainer = (name: string) =>
      pending('res-ns', name, { uid: `u-${name}`, requests: { 'nvidia.com/gpu': '3' } });
    for (const name of ['t1', 't2']) {
      const filtered = await post('filter', { Pod: trainer(name), Nodes: nodes, NodeNames: null });
      expect(filtered.body['FailedNodes']).toEqual({});
    }
    expect((await post('bind', bindArgs('res-ns', 't1', 'u-t1', 'gpu-new'))).body).toEqual({ Error: '' });
    const second = await post('bind', bindArgs('res-ns', 't2', 'u-t2', 'gpu-new'));
    expect(second.body['Error']).toMatch(
      /^EXT_ERR_BIND_REFUSED: node gpu-new no longer fits pod res-ns\/t2 \(gpu-nodes: /,
    );
    expect(binder.bound.map((args) => args.podName)).toEqual(['t1']);
    await extender.close();
  });

  it('given a spread rule and a pod bound in full mode onto a node the snapshot lacks, counts it there', async () => {
    const store = smallCluster();
    withScheduling(store, 'web-ns', {
      spread: [{ labelKey: 'app', topologyKey: 'kubernetes.io/hostname', maxPerDomain: 1 }],
    });
    const { extender, post } = testExtender(store);
    const labels = { 'kubernetes.io/hostname': 'new-1' };
    const nodes = {
      metadata: {},
      items: [rawNode('new-1', { labels, allocatable: { cpu: '8', pods: '110' } })],
    };
    const web = (name: string) => pending('web-ns', name, { uid: `u-${name}`, labels: { app: 'web' } });
    const first = await post('filter', { Pod: web('w1'), Nodes: nodes, NodeNames: null });
    expect(first.body['FailedNodes']).toEqual({});
    expect((await post('bind', bindArgs('web-ns', 'w1', 'u-w1', 'new-1'))).body).toEqual({ Error: '' });
    // Before: no domain count held new-1, so w2 passed it beside w1.
    const second = await post('filter', { Pod: web('w2'), Nodes: nodes, NodeNames: null });
    expect(second.body['FailedNodes']).toEqual({
      'new-1': expect.stringContaining('kubernetes.io/hostname=new-1 already runs 1 pod(s) with app=web'),
    });
    await extender.close();
  });

  it('given an unsynced snapshot, answers EXT_ERR_NOT_SYNCED and binds nothing', async () => {
    const { extender, binder, post } = testExtender(smallCluster(), { syncConditions: ['informer:Pod'] });
    const answer = await post('bind', bindArgs('web-ns', 'w1', 'u-w1', 'shared-1'));
    expect(answer.status).toBe(200);
    expect(answer.body['Error']).toMatch(/^EXT_ERR_NOT_SYNCED: .*informer:Pod pending/);
    expect(binder.bound).toEqual([]);
    await extender.close();
  });
});
