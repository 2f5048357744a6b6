import { rawNode, rawPod } from '@corral/cluster';
import { smallCluster } from '../testing/small-cluster.js';
import { NodeIndex, SHARED_POOL } from './node-index.js';

describe('NodeIndex', () => {
  it('given the small cluster, counts gateway nodes per pool and groups nodes by topology value', () => {
    const index = new NodeIndex(smallCluster());
    expect(index.gatewayCount(SHARED_POOL)).toBe(1);
    expect(index.gatewayCount('fin')).toBe(0);
    expect([...index.nodesInDomain('topology.kubernetes.io/zone', 'b')].sort()).toEqual([
      'gpu-2',
      'shared-2',
    ]);
    expect(index.nodesInDomain('topology.kubernetes.io/zone', 'z')).toEqual([]);
  });

  it('given a Node change after a read, rebuilds; given a Pod change, keeps its indexes', () => {
    const store = smallCluster();
    const index = new NodeIndex(store);
    const before = index.nodesInDomain('topology.kubernetes.io/zone', 'a');
    store.upsert('Pod', rawPod('web-ns', 'x', { nodeName: 'shared-1' }), 'test');
    expect(index.nodesInDomain('topology.kubernetes.io/zone', 'a')).toBe(before);
    store.upsert(
      'Node',
      rawNode('gw-2', { labels: { 'corral.dev/role': 'gateway', 'topology.kubernetes.io/zone': 'a' } }),
      'test',
    );
    expect(index.gatewayCount(SHARED_POOL)).toBe(2);
    expect(index.nodesInDomain('topology.kubernetes.io/zone', 'a')).toContain('gw-2');
    index.stop();
    store.remove('Node', { metadata: { name: 'gw-2' } }, 'test');
    expect(index.gatewayCount(SHARED_POOL)).toBe(2);
  });
});
