import { rawPod } from '@corral/cluster';
import { clusterView, contextOf, podView, smallCluster, TEST_OPTIONS } from '../testing/small-cluster.js';
import { decidePreemption } from './preempt.js';

function setup() {
  const store = smallCluster();
  store.upsert('Pod', rawPod('res-ns', 'low', { nodeName: 'shared-1', uid: 'u-res-low' }), 'test');
  store.upsert('Pod', rawPod('sandbox', 'scratch', { nodeName: 'shared-1', uid: 'u-sandbox' }), 'test');
  return store;
}

describe('decidePreemption', () => {
  const store = setup();
  const decide = (namespace: string, proposals: [string, string[]][]) =>
    decidePreemption(
      contextOf(store, podView(namespace, 'preemptor')),
      new Map(proposals.map(([node, uids]) => [node, { uids, numPdbViolations: 0 }])),
      clusterView(store),
      TEST_OPTIONS,
    );

  it.each([
    ['victims of its own department', 'res-ns', 'shared-1', ['u-res-low'], true, ''],
    [
      'a victim of a department while the preemptor has none',
      'sandbox',
      'shared-2',
      ['uid-web-ns-shop-1'],
      false,
      'belongs to web',
    ],
    [
      'a victim with no department while the preemptor has one',
      'res-ns',
      'shared-1',
      ['u-sandbox'],
      false,
      'no department',
    ],
    ['a node dedicated to another department', 'res-ns', 'fin-1', [], false, 'dedicated to department fin'],
    [
      'a node running another department (not among the victims)',
      'res-ns',
      'shared-2',
      [],
      false,
      'node runs pods of department web',
    ],
    ['an unknown victim UID', 'res-ns', 'shared-1', ['u-ghost'], false, 'not a known pod'],
    ['an unknown node', 'res-ns', 'ghost', [], false, "not in Corral's node cache"],
  ])('given %s, keeps the node: %s', (_what, namespace, node, uids, kept, reason) => {
    const decision = decide(namespace, [[node, uids]]);
    expect(decision.kept.has(node)).toBe(kept);
    if (!kept) expect(decision.dropped.get(node)).toContain(reason);
  });

  it('given several nodes, drops only the forbidden ones and keeps victims unchanged', () => {
    const decision = decide('res-ns', [
      ['shared-1', ['u-res-low']],
      ['fin-1', []],
    ]);
    expect([...decision.kept]).toEqual([['shared-1', { uids: ['u-res-low'], numPdbViolations: 0 }]]);
  });
});
