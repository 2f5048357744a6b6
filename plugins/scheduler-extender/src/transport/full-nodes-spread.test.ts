import { rawNode, rawPod, type SnapshotStore } from '@corral/cluster';
import { smallCluster, withScheduling } from '../testing/small-cluster.js';
import { testExtender } from '../testing/test-extender.js';

/**
 * Spread in full mode (nodeCacheCapable: false): the domains are those the Node objects sent name,
 * as kube-scheduler counts them, for a node relabelled since the snapshot saw it and for nodes the
 * snapshot does not hold yet, not only the one being filtered.
 */
const ZONE = 'topology.kubernetes.io/zone';
const SHOP = { app: 'shop' };

/** smallCluster (shop-1 runs on shared-2, zone b) with web-ns spreading app over zones, 1 per zone. */
function zoneSpread(): SnapshotStore {
  return withScheduling(smallCluster(), 'web-ns', {
    spread: [{ labelKey: 'app', topologyKey: ZONE, maxPerDomain: 1 }],
  });
}

const shop = (name: string) => rawPod('web-ns', name, { phase: 'Pending', uid: `u-${name}`, labels: SHOP });
const node = (name: string, zone: string) =>
  rawNode(name, { labels: { [ZONE]: zone }, allocatable: { cpu: '8', pods: '110' } });
const full = (pod: unknown, ...items: unknown[]) => ({
  Pod: pod,
  Nodes: { metadata: {}, items },
  NodeNames: null,
});

describe('spread over Node objects sent in full mode', () => {
  it('given a node the request puts in another zone than the snapshot, counts its own pods in that zone', async () => {
    const { extender, post } = testExtender(zoneSpread());
    // Before: shared-2 was counted in zone c without shop-1, which runs on it, so shop-2 joined it.
    const answer = await post('filter', full(shop('shop-2'), node('shared-2', 'c')));
    expect(answer.body['Nodes']).toEqual({ metadata: {}, items: [] });
    expect(answer.body['FailedNodes']).toEqual({
      'shared-2': expect.stringContaining(`${ZONE}=c already runs 1 pod(s) with app=shop`),
    });
    await extender.close();
  });

  it('given a node the request moves out of a zone, no longer counts its pods there', async () => {
    const store = zoneSpread();
    store.upsert('Node', node('shared-3', 'b'), 'test');
    const { extender, post } = testExtender(store);
    // shared-2 (running shop-1) is in zone c now: zone b holds no shop pod for shared-3.
    const answer = await post('filter', full(shop('shop-2'), node('shared-2', 'c'), node('shared-3', 'b')));
    expect(answer.body['FailedNodes']).toEqual({
      'shared-2': expect.stringContaining(`${ZONE}=c already runs 1`),
    });
    expect(answer.body['Nodes']).toEqual({ metadata: {}, items: [node('shared-3', 'b')] });
    await extender.close();
  });

  it('given two nodes of a new zone the snapshot lacks, counts a pod bound on one against the other', async () => {
    const { extender, post } = testExtender(zoneSpread());
    const zoneD = [node('new-1', 'd'), node('new-2', 'd')];
    const first = await post('filter', full(shop('shop-2'), ...zoneD));
    expect(first.body['FailedNodes']).toEqual({});
    const bind = { PodNamespace: 'web-ns', PodName: 'shop-2', PodUID: 'u-shop-2', Node: 'new-1' };
    expect((await post('bind', bind)).body).toEqual({ Error: '' });
    // Before: new-2's zone count held neither new node, so shop-3 passed it, a second pod in zone d.
    const second = await post('filter', full(shop('shop-3'), ...zoneD));
    expect(second.body['Nodes']).toEqual({ metadata: {}, items: [] });
    expect(Object.keys(second.body['FailedNodes'] as object)).toEqual(['new-1', 'new-2']);
    expect((second.body['FailedNodes'] as Record<string, string>)['new-2']).toContain(
      `${ZONE}=d already runs 1 pod(s) with app=shop`,
    );
    await extender.close();
  });

  it('given the same nodes by name only, counts the snapshot’s domains as before', async () => {
    const { extender, post } = testExtender(zoneSpread());
    const answer = await post('filter', { Pod: shop('shop-2'), NodeNames: ['shared-1', 'shared-2'] });
    expect(answer.body['NodeNames']).toEqual(['shared-1']);
    expect(answer.body['FailedNodes']).toEqual({
      'shared-2': expect.stringContaining(`${ZONE}=b already runs 1`),
    });
    await extender.close();
  });
});
