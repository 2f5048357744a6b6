import { rawNode, rawPod, type PodSpecOptions, type SnapshotStore } from '@corral/cluster';
import {
  clusterView,
  contextOf,
  podView,
  smallCluster,
  TEST_OPTIONS,
  withScheduling,
} from '../testing/small-cluster.js';
import { filterNodes } from './filter.js';
import type { NodeRule } from './rule-input.js';
import { fail, pass, reasonOf, refuses, type NodeVerdict } from './verdict.js';

const ZONE = 'topology.kubernetes.io/zone';
const GPU = (n: string): PodSpecOptions => ({ requests: { 'nvidia.com/gpu': n } });
const gpus = { cpu: '32', memory: '128Gi', pods: '110', 'nvidia.com/gpu': '4' };

/**
 * smallCluster plus: fin-gpu (fin's GPU node, zone b, its 4 GPUs used by a fin pod), web-gpu (a GPU
 * node with no zone label, its 4 GPUs used by a web pod), and a zone spread rule (1 per zone) in
 * web-ns.
 */
function cluster(): SnapshotStore {
  const store = withScheduling(smallCluster(), 'web-ns', {
    spread: [{ labelKey: 'app', topologyKey: ZONE, maxPerDomain: 1 }],
  });
  const labels = { 'corral.dev/department': 'fin', 'corral.dev/role': 'gpu', [ZONE]: 'b' };
  store.upsert('Node', rawNode('fin-gpu', { labels, allocatable: gpus }), 'test');
  store.upsert('Pod', rawPod('fin-ns', 'fin-train', { nodeName: 'fin-gpu', ...GPU('4') }), 'test');
  store.upsert(
    'Node',
    rawNode('web-gpu', { labels: { 'corral.dev/role': 'gpu' }, allocatable: gpus }),
    'test',
  );
  store.upsert('Pod', rawPod('web-ns', 'web-train', { nodeName: 'web-gpu', ...GPU('4') }), 'test');
  return store;
}

describe('filterNodes when serving: the reported refusal and its kind', () => {
  const store = cluster();
  const view = clusterView(store);
  const decide = (namespace: string, node: string, pod: PodSpecOptions, allReasons = false) => {
    const [verdict] = filterNodes(
      contextOf(store, podView(namespace, 'new', pod)),
      [{ name: node, view: store.node(node) }],
      view,
      TEST_OPTIONS,
      { allReasons },
    );
    if (!verdict) throw new Error('no verdict');
    return verdict;
  };

  it.each([
    ['another department', 'res-ns'],
    ['no department', 'sandbox'],
  ])(
    "given a GPU pod of %s on fin's full GPU node, reports the node's department, unresolvable",
    (_what, namespace) => {
      const verdict = decide(namespace, 'fin-gpu', GPU('1'));
      expect(verdict).toMatchObject({ status: 'fail', unresolvable: true });
      expect(reasonOf(verdict)).toMatch(/^department-isolation: node is dedicated to department fin/);
    },
  );

  it("given fin's own GPU pod on its full GPU node, reports the GPUs, resolvable", () => {
    const verdict = decide('fin-ns', 'fin-gpu', GPU('1'));
    expect(verdict).toMatchObject({ status: 'fail', unresolvable: false });
    expect(reasonOf(verdict)).toBe('gpu-nodes: node has 0 of 4 nvidia.com/gpu free, pod requests 1');
  });

  it('given a resolvable refusal (GPUs full) before an unresolvable one (no zone label), reports the latter', () => {
    const verdict = decide('web-ns', 'web-gpu', { ...GPU('1'), labels: { app: 'shop' } });
    expect(verdict).toMatchObject({ status: 'fail', unresolvable: true });
    expect(reasonOf(verdict)).toMatch(/^spread: node has no label topology\.kubernetes\.io\/zone/);
  });

  const pods: [string, PodSpecOptions][] = [
    ['a CPU pod', {}],
    ['a CPU pod with app=shop', { labels: { app: 'shop' } }],
    ['a 1-GPU pod', GPU('1')],
    ['a 1-GPU pod with app=shop', { ...GPU('1'), labels: { app: 'shop' } }],
    ['a 5-GPU pod', GPU('5')],
    ['a gateway pod', { labels: { 'corral.dev/role': 'gateway' } }],
  ];
  const namespaces = ['fin-ns', 'res-ns', 'web-ns', 'sandbox'];
  const nodes = [...store.nodes()].map((node) => node.name);
  const cases = namespaces.flatMap((namespace) => pods.map(([what, pod]) => [namespace, what, pod] as const));

  it.each(cases)(
    'given a pod of %s (%s), serving agrees with explain on every node',
    (namespace, _what, pod) => {
      for (const node of nodes) {
        const served = decide(namespace, node, pod);
        const explained = decide(namespace, node, pod, true);
        const where = `${namespace} on ${node}: ${reasonOf(explained)}`;
        expect([served.status, served.unresolvable], where).toEqual([
          explained.status,
          explained.unresolvable,
        ]);
        if (served.status === 'pass') continue;
        expect(served.results, where).toHaveLength(1);
        expect(explained.results.filter(refuses), where).toContainEqual(served.results[0]);
      }
    },
  );
});

describe('filterNodes when serving, with given rules', () => {
  const store = smallCluster();
  const node = 'shared-1';
  const serve = (rules: NodeRule[]): NodeVerdict => {
    const [verdict] = filterNodes(
      contextOf(store, podView('res-ns', 'new')),
      [{ name: node, view: store.node(node) }],
      clusterView(store),
      TEST_OPTIONS,
      { rules },
    );
    if (!verdict) throw new Error('no verdict');
    return verdict;
  };
  const full = fail('spread', 'full', false);
  const alsoFull = fail('gpu-nodes', 'also full', false);
  const never = fail('department-isolation', 'never', true);
  const unreachable: NodeRule = () => {
    throw new Error('ran a rule after an unresolvable refusal');
  };

  it.each([
    ['a resolvable then an unresolvable refusal', [() => full, () => never], never],
    ['two resolvable refusals', [() => full, () => alsoFull], full],
    ['a resolvable refusal then passes', [() => full, () => pass('gateway-nodes')], full],
    ['an unresolvable refusal (then a rule that must not run)', [() => never, unreachable], never],
  ] as const)('given %s, reports %o', (_what, rules, reported) => {
    const verdict = serve([...rules]);
    expect(verdict.results).toEqual([reported]);
    expect(verdict.unresolvable).toBe(reported.unresolvable);
  });

  it('given rules that all pass, keeps every result', () => {
    expect(serve([() => pass('spread'), () => pass('gpu-nodes')]).results.map((r) => r.rule)).toEqual([
      'spread',
      'gpu-nodes',
    ]);
  });
});

describe('filterNodes with a Node object it cannot read', () => {
  const store = smallCluster();
  const unreadable = { name: 'n1', problem: 'Node n1: /status/allocatable/cpu: "lots" is not a quantity' };

  it.each([
    ['a pod of a department', 'res-ns'],
    ['a pod of no department', 'sandbox'],
  ])('given %s, refuses it as unreadable, unresolvable', (_what, namespace) => {
    const verdicts = filterNodes(
      contextOf(store, podView(namespace, 'new')),
      [unreadable, { name: 'ghost' }],
      clusterView(store),
      TEST_OPTIONS,
    );
    expect(verdicts.map((v) => [v.node, v.status, v.unresolvable, reasonOf(v)])).toEqual([
      ['n1', 'fail', true, `node-readable: Node object unreadable: ${unreadable.problem}`],
      [
        'ghost',
        'fail',
        true,
        "node-known: node is not in Corral's node cache yet; kube-scheduler will retry",
      ],
    ]);
  });

  /**
   * A system pod passes through untouched: no rule reads the node for it, so neither an unknown nor
   * an unreadable node is a reason to refuse it (preempt and bind pass it too). A kube-system
   * DaemonSet pod (CNI, kube-proxy) made for a node that joined a moment ago must not wait for
   * Corral's node watch.
   */
  it('given a pod of a system namespace, passes both with the system-namespace skip', () => {
    const verdicts = filterNodes(
      contextOf(store, podView('kube-system', 'cni')),
      [unreadable, { name: 'ghost' }],
      clusterView(store),
      TEST_OPTIONS,
    );
    expect(verdicts.map((v) => [v.node, v.status, v.results.map((r) => [r.rule, r.status])])).toEqual([
      ['n1', 'pass', [['system-namespace', 'skip']]],
      ['ghost', 'pass', [['system-namespace', 'skip']]],
    ]);
  });
});
