import { rawPod, toPodView, type SnapshotStore } from '@corral/cluster';
import {
  contextOf,
  rawPriorityPod,
  ruleInput,
  smallCluster,
  TEST_OPTIONS,
  withScheduling,
} from '../../testing/small-cluster.js';
import { AssumedPods } from '../assumed-pods.js';
import { RefusalMemo } from '../refusal-memo.js';
import { clusterViewOf } from '../rule-input.js';
import { SpreadCounter } from '../spread-counter.js';
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

  it.each([
    ['a node whose only other pod is terminating', perNode, 'shared-2', 1],
    ['a zone whose other pods are terminating', { ...perZone, maxPerDomain: 1 }, 'gpu-2', 2],
  ])('given %s (deletionTimestamp set), does not count it: returns pass', (_what, rule, node, n) => {
    const store = withScheduling(smallCluster(), 'web-ns', { spread: [{ ...rule, maxPerDomain: 1 }] });
    // A rolling update: the old replicas are being deleted, the new one must not wait for them.
    const old = (name: string, on: string) =>
      rawPod('web-ns', name, { nodeName: on, labels: { app: 'shop' }, deletionTimestamp: DELETED });
    store.upsert('Pod', old('shop-1', 'shared-2'), 'test');
    if (n > 1) store.upsert('Pod', old('shop-9', 'gpu-2'), 'test');
    expect(spread(ruleInput(store, 'web-ns', node, APP))).toMatchObject({ status: 'pass' });
    // The same pods running (no deletionTimestamp) fill the domain.
    store.upsert(
      'Pod',
      rawPod('web-ns', 'shop-1', { nodeName: 'shared-2', labels: { app: 'shop' } }),
      'test',
    );
    expect(spread(ruleInput(store, 'web-ns', node, APP))).toMatchObject({ status: 'fail' });
  });
});

const DELETED = '2024-05-01T00:00:00Z';

describe('spread with pods nominated by preemption', () => {
  const perNode = { labelKey: 'app', topologyKey: 'kubernetes.io/hostname', maxPerDomain: 1 };
  const perZone = { labelKey: 'app', topologyKey: 'topology.kubernetes.io/zone', maxPerDomain: 1 };

  /** The spread verdict for web-ns/new (app=shop, priority 100, uid u-new) on `node`. */
  function decide(store: SnapshotStore, node: string, assumed?: AssumedPods) {
    const cluster = clusterViewOf(store, undefined, assumed);
    const raw = rawPriorityPod('web-ns', 'new', 100, undefined, { uid: 'u-new', labels: { app: 'shop' } });
    const view = toPodView(raw, 'test');
    const nodeView = store.node(node);
    if (!view.ok || !nodeView) throw new Error('bad test input');
    const pod = contextOf(store, view.value);
    const spreadCounter = new SpreadCounter(cluster.placements, pod.pod);
    const input = { pod, node: nodeView, cluster, options: TEST_OPTIONS, memo: new RefusalMemo() };
    return spread({ ...input, spread: spreadCounter });
  }

  /** smallCluster with the rule and a pending pod nominated to shared-1 (zone a). */
  function nominated(rule: object, namespace: string, priority: number, options = {}, name = 'hi') {
    const store = withScheduling(smallCluster(), 'web-ns', { spread: [rule] });
    const labels = { app: 'shop' };
    const raw = rawPriorityPod(namespace, name, priority, 'shared-1', {
      uid: `u-${name}`,
      labels,
      ...options,
    });
    store.upsert('Pod', raw, 'test');
    return store;
  }

  const row = (
    what: string,
    rule: 'node' | 'zone',
    ns: string,
    priority: number,
    node: string,
    status: string,
  ) => ({
    what,
    rule,
    ns,
    priority,
    node,
    status,
    options: {} as Record<string, unknown>,
    name: 'hi',
  });
  it.each([
    row('of its app, equal priority', 'node', 'web-ns', 100, 'shared-1', 'fail'),
    row('of its app, higher priority', 'node', 'web-ns', 1000, 'shared-1', 'fail'),
    row('of its app, lower priority', 'node', 'web-ns', 50, 'shared-1', 'pass'),
    row('of another namespace', 'node', 'sandbox', 1000, 'shared-1', 'pass'),
    {
      ...row('of another app', 'node', 'web-ns', 1000, 'shared-1', 'pass'),
      options: { labels: { app: 'x' } },
    },
    {
      ...row('that is the pod itself', 'node', 'web-ns', 100, 'shared-1', 'pass'),
      name: 'new',
    },
    row('to the node filtered', 'zone', 'web-ns', 100, 'shared-1', 'fail'),
    // kube-scheduler adds nominated pods to the node being filtered only, not to its whole domain.
    row('to another node of the zone', 'zone', 'web-ns', 100, 'gw-1', 'pass'),
  ])(
    'given a pod nominated $what (one per $rule), $node: $status',
    ({ rule, ns, priority, options, name, node, status }) => {
      const result = decide(
        nominated(rule === 'node' ? perNode : perZone, ns, priority, options, name),
        node,
      );
      expect(result.status).toBe(status);
      if (status === 'fail') {
        expect(result.unresolvable).toBe(false);
        expect(result.message).toContain('nominated');
      }
    },
  );

  it('given a nominated pod the extender has bound there meanwhile (assumed), counts it once', () => {
    const store = nominated({ ...perNode, maxPerDomain: 2 }, 'web-ns', 100);
    const assumed = new AssumedPods({ ttlMs: 1_000 });
    const pod = store.pod('web-ns', 'hi');
    if (!pod) throw new Error('no nominated pod');
    assumed.assume(
      { key: 'web-ns/hi', pod: { ...pod, nodeName: 'shared-1' }, department: 'web', seen: true },
      0,
    );
    expect(decide(store, 'shared-1', assumed).status).toBe('pass');
    store.upsert('Pod', rawPod('web-ns', 'two', { nodeName: 'shared-1', labels: { app: 'shop' } }), 'test');
    expect(decide(store, 'shared-1', assumed).status).toBe('fail');
  });

  it('given a zone one short of full and a pod nominated to one of its nodes, refuses that node only, saying so', () => {
    const store = nominated({ ...perZone, maxPerDomain: 2 }, 'web-ns', 100);
    store.upsert('Pod', rawPod('web-ns', 'shop-a', { nodeName: 'gw-1', labels: { app: 'shop' } }), 'test');
    const refused = decide(store, 'shared-1');
    expect(refused).toMatchObject({ status: 'fail', unresolvable: false });
    expect(refused.message).toMatch(
      /^topology\.kubernetes\.io\/zone=a already runs 1 pod\(s\) with app=shop in namespace web-ns, plus 1 pod\(s\) of priority 100 or higher nominated to this node by preemption;/,
    );
    expect(decide(store, 'fin-1').status).toBe('pass');
  });
});
