import { rawPod } from '@corral/cluster';
import { ruleInput, smallCluster, withScheduling } from '../../testing/small-cluster.js';
import { spread } from './spread.js';

const APP = { labels: { app: 'shop' } };

function storeWith(rule: Record<string, unknown>) {
  const store = withScheduling(smallCluster(), 'web-ns', { spread: [rule] });
  // shop-1 runs on shared-2 (zone b); add shop-2 on shared-2 too.
  store.upsert('Pod', rawPod('web-ns', 'shop-2', { nodeName: 'shared-2', labels: { app: 'shop' } }), 'test');
  return store;
}

describe('spread', () => {
  const perNode = { labelKey: 'app', topologyKey: 'kubernetes.io/hostname', maxPerDomain: 2 };
  const perZone = { labelKey: 'app', topologyKey: 'topology.kubernetes.io/zone', maxPerDomain: 3 };
  it.each([
    [
      'a node already holding the maximum',
      perNode,
      'shared-2',
      APP,
      'fail',
      false,
      'already runs 2 pod(s) with app=shop',
    ],
    ['a node holding none', perNode, 'shared-1', APP, 'pass', false, ''],
    ['a pod without the label', perNode, 'shared-2', {}, 'pass', false, ''],
    [
      'a node without the topology label',
      perNode,
      'gpu-1',
      APP,
      'fail',
      true,
      'has no label kubernetes.io/hostname',
    ],
    ['a zone below its maximum', perZone, 'shared-2', APP, 'pass', false, ''],
  ])('given %s, returns %s', (_what, rule, node, pod, status, unresolvable, message) => {
    const result = spread(ruleInput(storeWith(rule), 'web-ns', node, pod));
    expect(result.status).toBe(status);
    expect(result.unresolvable).toBe(unresolvable);
    expect(result.message).toContain(message);
  });

  it('given a zone at its maximum, refuses every node of that zone only', () => {
    const store = storeWith({ ...perZone, maxPerDomain: 2 });
    expect(spread(ruleInput(store, 'web-ns', 'shared-2', APP)).status).toBe('fail');
    expect(spread(ruleInput(store, 'web-ns', 'gpu-2', APP)).status).toBe('fail');
    expect(spread(ruleInput(store, 'web-ns', 'shared-1', APP)).status).toBe('pass');
  });

  it('given pods of the same app in another namespace, does not count them', () => {
    const store = storeWith(perNode);
    store.upsert(
      'Pod',
      rawPod('sandbox', 'shop-x', { nodeName: 'shared-1', labels: { app: 'shop' } }),
      'test',
    );
    store.upsert(
      'Pod',
      rawPod('sandbox', 'shop-y', { nodeName: 'shared-1', labels: { app: 'shop' } }),
      'test',
    );
    expect(spread(ruleInput(store, 'web-ns', 'shared-1', APP)).status).toBe('pass');
  });

  it('given a full domain for one rule and a missing topology label for the next, reports the label (unresolvable)', () => {
    const store = withScheduling(smallCluster(), 'web-ns', {
      spread: [
        { ...perNode, maxPerDomain: 1 },
        { labelKey: 'app', topologyKey: 'example.com/rack', maxPerDomain: 5 },
      ],
    });
    const result = spread(ruleInput(store, 'web-ns', 'shared-2', APP));
    expect(result).toMatchObject({ status: 'fail', unresolvable: true });
    expect(result.message).toMatch(/^node has no label example\.com\/rack/);
  });

  it('given no NamespacePolicy, returns skip', () => {
    expect(spread(ruleInput(smallCluster(), 'web-ns', 'shared-2', APP)).status).toBe('skip');
  });
});
