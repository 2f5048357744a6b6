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

describe('Placements.without (preemption victims taken out)', () => {
  const victims = (placements: ReturnType<typeof setUp>['placements'], node: string, names: string[]) =>
    new Map([...placements.podsOnNode(node)].filter(([key]) => names.some((n) => key.endsWith(`/${n}`))));

  it('given a bound victim, leaves it out of its node, its department and its domains', () => {
    const { store, placements } = setUp();
    store.upsert('Pod', rawPod('web-ns', 'cart', { nodeName: 'shared-2', labels: { app: 'cart' } }), 'test');
    const after = placements.without('shared-2', victims(placements, 'shared-2', ['shop-1']));
    expect([...after.podsOnNode('shared-2').keys()]).toEqual(['web-ns/cart']);
    expect(after.departmentsOnNode('shared-2')).toEqual(new Map([['web', 1]]));
    expect(after.countInDomain(shop('b'), SELF)).toBe(0);
    expect(after.countInDomain(shop('shared-2', HOST), SELF)).toBe(0);
    // The placements it came from are unchanged.
    expect(placements.podsOnNode('shared-2').size).toBe(2);
    expect(placements.countInDomain(shop('b'), SELF)).toBe(1);
  });

  it('given the last pod of a department as the victim, drops the department from the node', () => {
    const { placements } = setUp();
    const after = placements.without('shared-2', victims(placements, 'shared-2', ['shop-1']));
    expect(after.departmentsOnNode('shared-2').size).toBe(0);
  });

  it('given an assumed victim, leaves it out as well', () => {
    const { placements, assume } = setUp();
    assume('a', 'gpu-2');
    assume('c', 'gpu-2');
    const after = placements.without('gpu-2', victims(placements, 'gpu-2', ['a']));
    expect([...after.podsOnNode('gpu-2').keys()]).toEqual(['web-ns/c']);
    expect(after.departmentsOnNode('gpu-2')).toEqual(new Map([['web', 1]]));
    expect(after.countInDomain(shop('b'), SELF)).toBe(2); // shop-1 and c
    expect(placements.countInDomain(shop('b'), SELF)).toBe(3);
  });

  it('given a victim of another app, counts the domain as before', () => {
    const { store, placements } = setUp();
    store.upsert(
      'Pod',
      rawPod('web-ns', 'other', { nodeName: 'shared-2', labels: { app: 'other' } }),
      'test',
    );
    const after = placements.without('shared-2', victims(placements, 'shared-2', ['other']));
    expect(after.countInDomain(shop('b'), SELF)).toBe(1);
    expect(after.countInDomain(shop('shared-2', HOST), SELF)).toBe(1);
  });

  it('given other nodes, answers with the snapshot itself', () => {
    const { store, placements } = setUp();
    const after = placements.without('shared-2', victims(placements, 'shared-2', ['shop-1']));
    expect(after.podsOnNode('gpu-1')).toBe(store.podsOnNode('gpu-1'));
    expect(after.departmentsOnNode('gpu-1')).toBe(store.departmentsOnNode('gpu-1'));
  });

  it('given a pod of a namespace the snapshot does not hold, counts it there until it is taken out', () => {
    const { store, placements } = setUp();
    store.upsert('Pod', rawPod('late-ns', 'early', { nodeName: 'shared-1' }), 'test');
    expect(placements.unknownNamespacesOnNode('shared-1')).toBe(store.unknownNamespacesOnNode('shared-1'));
    expect(placements.unknownNamespacesOnNode('shared-1')).toEqual(new Map([['late-ns', 1]]));
    const victims = new Map([['late-ns/early', store.pod('late-ns', 'early')!]]);
    const after = placements.without('shared-1', victims);
    expect(after.unknownNamespacesOnNode('shared-1').size).toBe(0);
    expect(store.unknownNamespacesOnNode('shared-1').size).toBe(1);
  });
});
