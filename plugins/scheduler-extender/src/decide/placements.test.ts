import { rawPod } from '@corral/cluster';
import { podView, smallCluster } from '../testing/small-cluster.js';
import { AssumedPods } from './assumed-pods.js';
import { clusterViewOf } from './rule-input.js';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const shop = (domain: string, topologyKey = ZONE) => ({
  topologyKey,
  domain,
  namespace: 'web-ns',
  labelKey: 'app',
  labelValue: 'shop',
});
const SELF = { namespace: 'web-ns', name: 'new' };

function setUp() {
  const store = smallCluster(); // web-ns/shop-1 (app=shop) runs on shared-2, zone b
  const assumed = new AssumedPods({ ttlMs: 1_000 });
  const cluster = clusterViewOf(store, undefined, assumed);
  const assume = (name: string, node: string, department = 'web') =>
    assumed.assume(
      {
        key: `web-ns/${name}`,
        pod: { ...podView('web-ns', name, { labels: { app: 'shop' } }), nodeName: node },
        department,
        seen: false,
      },
      0,
    );
  return { store, placements: cluster.placements, assume };
}

describe('Placements', () => {
  it('given no assumed pod, answers with the snapshot itself', () => {
    const { store, placements } = setUp();
    expect(placements.podsOnNode('shared-2')).toBe(store.podsOnNode('shared-2'));
    expect(placements.departmentsOnNode('shared-2')).toBe(store.departmentsOnNode('shared-2'));
  });

  it('given an assumed pod, adds it to its node and its department to the node counts', () => {
    const { store, placements, assume } = setUp();
    assume('a', 'shared-1');
    expect([...placements.podsOnNode('shared-1').keys()]).toEqual(['web-ns/a']);
    expect(placements.departmentsOnNode('shared-1')).toEqual(new Map([['web', 1]]));
    expect(store.podsOnNode('shared-1').size).toBe(0);
  });

  it('given a zone (several nodes), counts bound pods from the index plus assumed pods', () => {
    const { placements, assume } = setUp();
    expect(placements.countInDomain(shop('b'), SELF)).toBe(1);
    assume('a', 'gpu-2');
    assume('c', 'shared-1');
    expect(placements.countInDomain(shop('b'), SELF)).toBe(2);
    expect(placements.countInDomain(shop('a'), SELF)).toBe(1);
    expect(placements.countInDomain(shop('zz'), SELF)).toBe(0);
  });

  it('given the pod itself bound or assumed in the domain, leaves it out', () => {
    const { store, placements, assume } = setUp();
    store.upsert('Pod', rawPod('web-ns', 'new', { nodeName: 'gpu-2', labels: { app: 'shop' } }), 'test');
    expect(placements.countInDomain(shop('b'), SELF)).toBe(1);
    expect(placements.countInDomain(shop('shared-2', HOST), SELF)).toBe(1);
    assume('new', 'shared-1');
    expect(placements.countInDomain(shop('a'), SELF)).toBe(0);
    expect(placements.countInDomain(shop('shared-1', HOST), SELF)).toBe(0);
  });

  it("given a hostname domain, counts that node's bound and assumed pods", () => {
    const { placements, assume } = setUp();
    expect(placements.countInDomain(shop('shared-2', HOST), SELF)).toBe(1);
    assume('a', 'shared-2');
    expect(placements.countInDomain(shop('shared-2', HOST), SELF)).toBe(2);
    expect(placements.countInDomain(shop('fin-1', HOST), SELF)).toBe(0);
  });
});
