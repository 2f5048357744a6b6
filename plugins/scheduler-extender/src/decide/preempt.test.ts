import { rawNode, rawPod, type NodeView, type PodSpecOptions, type SnapshotStore } from '@corral/cluster';
import {
  clusterView,
  contextOf,
  nodeView,
  podView,
  smallCluster,
  TEST_OPTIONS,
  withScheduling,
} from '../testing/small-cluster.js';
import { AssumedPods } from './assumed-pods.js';
import { decidePreemption, type ProposedVictims } from './preempt.js';
import { clusterViewOf, type ClusterView } from './rule-input.js';

const GPU = (n: string): PodSpecOptions => ({ requests: { 'nvidia.com/gpu': n } });
const ZONE = 'topology.kubernetes.io/zone';

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
    ['a victim without UID', 'res-ns', 'shared-1', ['u-res-low', ''], false, 'has no UID'],
    ['an unknown node', 'res-ns', 'ghost', [], false, "not in Corral's node cache"],
  ])('given %s, keeps the node: %s', (_what, namespace, node, uids, kept, reason) => {
    const decision = decide(namespace, [[node, uids]]);
    expect(decision.kept.has(node)).toBe(kept);
    if (!kept) expect(decision.dropped.get(node)).toContain(reason);
  });

  it('given a node proposed without victims, drops it (kube-scheduler would fail the whole preemption)', () => {
    const decision = decide('res-ns', [
      ['shared-1', []],
      ['shared-1x', ['u-res-low']],
    ]);
    expect(decision.dropped.get('shared-1')).toBe('no victim proposed on node shared-1');
    expect([...decision.kept.keys()]).toEqual([]);
  });

  it('given a victim without UID and a pod the snapshot holds without one (policy files), does not match them', () => {
    const local = setup();
    local.upsert('Pod', rawPod('res-ns', 'no-uid', { nodeName: 'shared-1', uid: '' }), 'test');
    const decision = decidePreemption(
      contextOf(local, podView('res-ns', 'preemptor')),
      new Map([['shared-1', { uids: [''], numPdbViolations: 0 }]]),
      clusterView(local),
      TEST_OPTIONS,
    );
    expect(decision.kept.size).toBe(0);
    expect(decision.dropped.get('shared-1')).toBe('a victim on node shared-1 has no UID');
  });

  it("given a victim whose namespace Corral's cache does not hold yet, drops the node (its department is unknown)", () => {
    const local = setup();
    local.upsert('Pod', rawPod('new-ns', 'early', { nodeName: 'shared-1', uid: 'u-early' }), 'test');
    const decision = decidePreemption(
      contextOf(local, podView('sandbox', 'preemptor')),
      new Map([['shared-1', { uids: ['u-sandbox', 'u-early'], numPdbViolations: 0 }]]),
      clusterView(local),
      TEST_OPTIONS,
    );
    expect(decision.kept.size).toBe(0);
    expect(decision.dropped.get('shared-1')).toBe(
      "victim new-ns/early is in namespace new-ns, which Corral's cache does not hold yet: its department is unknown",
    );
  });

  it('given several nodes, drops only the forbidden ones and keeps victims unchanged', () => {
    const decision = decide('res-ns', [
      ['shared-1', ['u-res-low']],
      ['fin-1', []],
    ]);
    expect([...decision.kept]).toEqual([['shared-1', { uids: ['u-res-low'], numPdbViolations: 0 }]]);
  });
});

/** Preemption of `pod` (a new pod of `namespace`) with one proposal per [node, victim UIDs]. */
function preempt(
  store: SnapshotStore,
  namespace: string,
  pod: PodSpecOptions,
  proposals: [string, string[]][],
  cluster: ClusterView = clusterView(store),
) {
  return decidePreemption(
    contextOf(store, podView(namespace, 'preemptor', pod)),
    new Map(proposals.map(([node, uids]) => [node, { uids, numPdbViolations: 0 }])),
    cluster,
    TEST_OPTIONS,
  );
}

describe('decidePreemption on a node the preemptor may not use', () => {
  it("given a no-department victim on fin's GPU node and a no-department GPU preemptor, drops the node", () => {
    const store = smallCluster();
    const labels = { 'corral.dev/department': 'fin', 'corral.dev/role': 'gpu' };
    const allocatable = { cpu: '8', memory: '8Gi', pods: '110', 'nvidia.com/gpu': '4' };
    store.upsert('Node', rawNode('fin-gpu', { labels, allocatable }), 'test');
    store.upsert('Pod', rawPod('fin-ns', 'fin-train', { nodeName: 'fin-gpu', ...GPU('4') }), 'test');
    store.upsert('Pod', rawPod('sandbox', 'sb-victim', { nodeName: 'fin-gpu', uid: 'u-sb' }), 'test');
    const decision = preempt(store, 'sandbox', GPU('1'), [['fin-gpu', ['u-sb']]]);
    expect(decision.kept.size).toBe(0);
    expect(decision.dropped.get('fin-gpu')).toMatch(
      /^department-isolation: node is dedicated to department fin.*\(unresolvable\)$/,
    );
  });
});

describe('decidePreemption: do the evictions make room?', () => {
  /** web-ns spreads app across zones, 1 per zone; zone b (shared-2) runs shop-1 and other-b. */
  function spreadCluster() {
    const store = withScheduling(smallCluster(), 'web-ns', {
      spread: [{ labelKey: 'app', topologyKey: ZONE, maxPerDomain: 1 }],
    });
    store.upsert(
      'Pod',
      rawPod('web-ns', 'other-b', { nodeName: 'shared-2', labels: { app: 'other' }, uid: 'u-other' }),
      'test',
    );
    return store;
  }
  const SHOP = { labels: { app: 'shop' } };

  it.each([
    ['a victim of another app', ['u-other'], false],
    ['no victims', [], false],
    ['the pod that fills the zone', ['uid-web-ns-shop-1'], true],
    ['the pod that fills the zone and another', ['uid-web-ns-shop-1', 'u-other'], true],
  ])('given a full spread domain and %s, keeps the node: %s', (_what, uids, kept) => {
    const decision = preempt(spreadCluster(), 'web-ns', SHOP, [['shared-2', uids]]);
    expect(decision.kept.has('shared-2')).toBe(kept);
    if (!kept) {
      expect(decision.dropped.get('shared-2')).toMatch(
        /^still refused once the victims are evicted: spread: topology\.kubernetes\.io\/zone=b already runs 1 pod/,
      );
    }
  });

  it('given a full hostname spread domain, counts the node without its victims', () => {
    const store = withScheduling(smallCluster(), 'web-ns', {
      spread: [{ labelKey: 'app', topologyKey: 'kubernetes.io/hostname', maxPerDomain: 1 }],
    });
    expect(preempt(store, 'web-ns', SHOP, [['shared-2', []]]).kept.size).toBe(0);
    expect(preempt(store, 'web-ns', SHOP, [['shared-2', ['uid-web-ns-shop-1']]]).kept.size).toBe(1);
  });

  it.each([
    ['no victims', [], false],
    ['the pod holding the GPUs', ['uid-res-ns-train-1'], true],
  ])('given a 2-GPU preemptor on a node with 1 of 4 free and %s, keeps the node: %s', (_what, uids, kept) => {
    const decision = preempt(smallCluster(), 'res-ns', GPU('2'), [['gpu-1', uids]]);
    expect(decision.kept.has('gpu-1')).toBe(kept);
    if (!kept)
      expect(decision.dropped.get('gpu-1')).toContain('gpu-nodes: node has 1 of 4 nvidia.com/gpu free');
  });

  it('given a victim the extender bound (assumed, not yet bound in the snapshot), finds it and counts it gone', () => {
    const store = smallCluster();
    const assumed = new AssumedPods({ ttlMs: 60_000 });
    const pod = { ...podView('res-ns', 'fresh', GPU('1')), uid: 'u-fresh', nodeName: 'gpu-1' };
    assumed.assume({ key: 'res-ns/fresh', pod, department: 'res', seen: false }, 0);
    const cluster = clusterViewOf(store, undefined, assumed);
    expect(preempt(store, 'res-ns', GPU('1'), [['gpu-1', []]], cluster).kept.size).toBe(0);
    expect(preempt(store, 'res-ns', GPU('1'), [['gpu-1', ['u-fresh']]], cluster).kept.size).toBe(1);
  });
});

describe('decidePreemption for a pod of a system namespace', () => {
  it('returns every proposal unchanged, whatever the node and victims', () => {
    const store = smallCluster();
    const proposals = new Map<string, ProposedVictims>([
      ['shared-2', { uids: ['uid-web-ns-shop-1'], numPdbViolations: 1 }],
      ['fin-1', { uids: [], numPdbViolations: 0 }],
      ['ghost', { uids: ['u-ghost'], numPdbViolations: 2 }],
    ]);
    const decision = decidePreemption(
      contextOf(store, podView('kube-system', 'ds')),
      proposals,
      clusterView(store),
      TEST_OPTIONS,
    );
    expect([...decision.kept]).toEqual([...proposals]);
    expect(decision.dropped.size).toBe(0);
  });
});

describe('decidePreemption with the Node objects a full-mode filter was sent', () => {
  const GPU_LABELS = { 'corral.dev/role': 'gpu', [ZONE]: 'a' };
  const gpus = (n: string) => ({ cpu: '32', memory: '128Gi', pods: '110', 'nvidia.com/gpu': n });
  function withPodOnNewNode() {
    const store = smallCluster();
    const old = { nodeName: 'gpu-new', uid: 'u-old', requests: { 'nvidia.com/gpu': '3' } };
    store.upsert('Pod', rawPod('res-ns', 'old', old), 'test');
    return store;
  }
  const decide = (store: SnapshotStore, namespace: string, node: string, uids: string[], sent?: NodeView) =>
    decidePreemption(
      contextOf(store, podView(namespace, 'preemptor', GPU('4'))),
      new Map([[node, { uids, numPdbViolations: 0 }]]),
      clusterView(store),
      TEST_OPTIONS,
      (name) => (name === node ? sent : undefined),
    );

  it('given a node the snapshot lacks and its Node object, judges the node by it', () => {
    const sent = nodeView('gpu-new', { labels: GPU_LABELS, allocatable: gpus('4') });
    expect(decide(withPodOnNewNode(), 'res-ns', 'gpu-new', ['u-old'], sent).kept.has('gpu-new')).toBe(true);
    // Without its victim the GPUs stay taken; for another department the node is not its to use.
    expect(decide(withPodOnNewNode(), 'res-ns', 'gpu-new', [], sent).dropped.get('gpu-new')).toMatch(
      /^still refused once the victims are evicted: gpu-nodes: /,
    );
    const finOnly = nodeView('gpu-new', {
      labels: { ...GPU_LABELS, 'corral.dev/department': 'fin' },
      allocatable: gpus('4'),
    });
    expect(
      decide(withPodOnNewNode(), 'res-ns', 'gpu-new', ['u-old'], finOnly).dropped.get('gpu-new'),
    ).toMatch(/^department-isolation: node is dedicated to department fin.* \(unresolvable\)$/);
  });

  it('given a node the snapshot lacks and no Node object, drops it', () => {
    expect(decide(withPodOnNewNode(), 'res-ns', 'gpu-new', ['u-old']).dropped.get('gpu-new')).toBe(
      "node gpu-new is not in Corral's node cache",
    );
  });

  it('given a Node object that contradicts the snapshot’s view, drops the node when either refuses', () => {
    const store = smallCluster();
    const held = nodeView('gpu-1', { labels: GPU_LABELS, allocatable: gpus('4') });
    expect(decide(store, 'res-ns', 'gpu-1', ['uid-res-ns-train-1'], held).kept.has('gpu-1')).toBe(true);
    // kube-scheduler's object says gpu-1 has 2 GPUs now: evicting train-1 frees too few for 4.
    const fewer = nodeView('gpu-1', { labels: GPU_LABELS, allocatable: gpus('2') });
    expect(decide(store, 'res-ns', 'gpu-1', ['uid-res-ns-train-1'], fewer).dropped.get('gpu-1')).toMatch(
      /^by the Node object kube-scheduler sent last: gpu-nodes: .* \(unresolvable\)$/,
    );
  });
});
