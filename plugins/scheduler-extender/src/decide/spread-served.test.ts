import { rawPod } from '@corral/cluster';
import { rawPriorityPod, smallCluster, withScheduling } from '../testing/small-cluster.js';
import { testExtender } from '../testing/test-extender.js';

const SHOP = { labels: { app: 'shop' } };
const HOSTNAME = { labelKey: 'app', topologyKey: 'kubernetes.io/hostname', maxPerDomain: 1 };
const ZONE = { labelKey: 'app', topologyKey: 'topology.kubernetes.io/zone', maxPerDomain: 1 };
const DELETED = '2024-05-01T00:00:00Z';

const bindArgs = (name: string, uid: string, node: string) => ({
  PodNamespace: 'web-ns',
  PodName: name,
  PodUID: uid,
  Node: node,
});

describe('spread during a rolling update (terminating pods), served', () => {
  it.each([
    ['one per node', HOSTNAME, 'kubernetes.io/hostname=shared-2'],
    ['one per zone', ZONE, 'topology.kubernetes.io/zone=b'],
  ])(
    'given %s and the old replica being deleted, lets the new replica onto its domain',
    async (_what, rule, domain) => {
      // shop-1 (web-ns, app=shop) runs on shared-2, zone b.
      const store = withScheduling(smallCluster(), 'web-ns', { spread: [rule] });
      const { extender, post } = testExtender(store);
      const next = rawPod('web-ns', 'shop-2', { phase: 'Pending', uid: 'u-shop-2', ...SHOP });
      const before = await post('filter', { Pod: next, NodeNames: ['shared-2'] });
      expect(before.body['FailedNodes']).toEqual({
        'shared-2': expect.stringMatching(
          new RegExp(`^spread: ${domain.replaceAll('.', '\\.')} already runs 1 pod`),
        ),
      });
      // The Deployment's rolling update deletes the old replica: a MODIFIED event with a
      // deletionTimestamp, long before the pod is gone (its grace period).
      const old = { nodeName: 'shared-2', deletionTimestamp: DELETED, ...SHOP };
      store.upsert('Pod', rawPod('web-ns', 'shop-1', old), 'test');
      const after = await post('filter', { Pod: next, NodeNames: ['shared-2'] });
      expect(after.body['NodeNames']).toEqual(['shared-2']);
      expect((await post('bind', bindArgs('shop-2', 'u-shop-2', 'shared-2'))).body).toEqual({ Error: '' });
      // The new replica (assumed there) fills the domain; the terminating one still does not count.
      const third = rawPod('web-ns', 'shop-3', { phase: 'Pending', uid: 'u-shop-3', ...SHOP });
      const full = await post('filter', { Pod: third, NodeNames: ['shared-2'] });
      expect(full.body['FailedNodes']).toEqual({
        'shared-2': expect.stringContaining('already runs 1 pod(s) with app=shop'),
      });
      await extender.close();
    },
  );
});

describe('spread with pods nominated by preemption, served', () => {
  it('given a higher-priority replica nominated to a node, keeps a lower one off it (filter and bind), not the nominated one itself', async () => {
    const store = withScheduling(smallCluster(), 'web-ns', { spread: [HOSTNAME] });
    const nominated = rawPriorityPod('web-ns', 'hi', 1000, 'shared-1', { uid: 'u-hi', ...SHOP });
    store.upsert('Pod', nominated, 'test');
    const { extender, binder, post } = testExtender(store);

    const low = rawPriorityPod('web-ns', 'lo', 0, undefined, { uid: 'u-lo', ...SHOP });
    const filtered = await post('filter', { Pod: low, NodeNames: ['shared-1'] });
    expect(filtered.body['NodeNames']).toEqual([]);
    expect(filtered.body['FailedNodes']).toEqual({
      'shared-1':
        'spread: kubernetes.io/hostname=shared-1 already runs 0 pod(s) with app=shop in namespace ' +
        'web-ns, plus 1 pod(s) of priority 0 or higher nominated to this node by preemption; the ' +
        "namespace's spread rule allows at most 1 per domain: add nodes in other domains or lower the replicas",
    });
    const refused = await post('bind', bindArgs('lo', 'u-lo', 'shared-1'));
    expect(refused.body['Error']).toMatch(/^EXT_ERR_BIND_REFUSED: .*nominated to this node by preemption/);

    const own = await post('filter', { Pod: nominated, NodeNames: ['shared-1'] });
    expect(own.body['NodeNames']).toEqual(['shared-1']);
    expect((await post('bind', bindArgs('hi', 'u-hi', 'shared-1'))).body).toEqual({ Error: '' });
    expect(binder.bound.map((args) => args.podName)).toEqual(['hi']);
    // Bound (assumed, still nominated in the snapshot): counted once, as a pod on the node.
    const again = await post('filter', { Pod: low, NodeNames: ['shared-1'] });
    expect(again.body['FailedNodes']).toEqual({
      'shared-1': expect.stringMatching(/already runs 1 pod\(s\) with app=shop in namespace web-ns; /),
    });
    await extender.close();
  });

  it('given a lower-priority replica nominated to a node, does not count it', async () => {
    const store = withScheduling(smallCluster(), 'web-ns', { spread: [HOSTNAME] });
    store.upsert('Pod', rawPriorityPod('web-ns', 'lo', 10, 'shared-1', { uid: 'u-lo', ...SHOP }), 'test');
    const { extender, post } = testExtender(store);
    const hi = rawPriorityPod('web-ns', 'hi', 1000, undefined, { uid: 'u-hi', ...SHOP });
    expect((await post('filter', { Pod: hi, NodeNames: ['shared-1'] })).body['NodeNames']).toEqual([
      'shared-1',
    ]);
    await extender.close();
  });
});
