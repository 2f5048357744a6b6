import type { PodSpecOptions } from '@corral/cluster';
import {
  clusterView,
  contextOf,
  podView,
  smallCluster,
  TEST_OPTIONS,
  withScheduling,
} from '../testing/small-cluster.js';
import type { Candidate } from './candidate.js';
import { filterNodes, servingRefusals } from './filter.js';

const store = withScheduling(smallCluster(), 'web-ns', {
  spread: [{ labelKey: 'app', topologyKey: 'topology.kubernetes.io/zone', maxPerDomain: 1 }],
});
const view = clusterView(store);
const candidates: Candidate[] = [
  ...[...store.nodes()].map((node) => ({ name: node.name, view: node })),
  { name: 'not-yet-known' },
  { name: 'unreadable', problem: '/status: not an object' },
];

const pods: [string, PodSpecOptions][] = [
  ['a CPU pod', {}],
  ['a pod with app=shop', { labels: { app: 'shop' } }],
  ['a 1-GPU pod', { requests: { 'nvidia.com/gpu': '1' } }],
  ['a 5-GPU pod', { requests: { 'nvidia.com/gpu': '5' } }],
  ['a gateway pod', { labels: { 'corral.dev/role': 'gateway' } }],
];
const namespaces = ['fin-ns', 'res-ns', 'web-ns', 'sandbox', 'kube-system'];
const cases = namespaces.flatMap((namespace) => pods.map(([what, pod]) => [namespace, what, pod] as const));

describe('servingRefusals', () => {
  it.each(cases)(
    'given a pod of %s (%s), returns for each node the refusal its serving verdict carries',
    (namespace, _what, pod) => {
      const context = contextOf(store, podView(namespace, 'new', pod));
      const refusals = servingRefusals(context, candidates, view, TEST_OPTIONS);
      const verdicts = filterNodes(context, candidates, view, TEST_OPTIONS);
      expect(refusals).toHaveLength(candidates.length);
      verdicts.forEach((verdict, index) => {
        const refusal = refusals[index];
        if (verdict.status === 'pass') expect(refusal, verdict.node).toBeUndefined();
        else expect(refusal, verdict.node).toEqual(verdict.results[0]);
      });
    },
  );

  it('given a system pod, refuses no node, not even an unknown or unreadable one', () => {
    const context = contextOf(store, podView('kube-system', 'new'));
    expect(servingRefusals(context, candidates, view, TEST_OPTIONS)).toEqual(candidates.map(() => undefined));
  });

  it('given nodes refused alike, returns one shared result for them', () => {
    const context = contextOf(store, podView('res-ns', 'new'));
    const refusals = servingRefusals(
      context,
      [{ name: 'x' }, { name: 'y' }, { name: 'fin-1', view: store.node('fin-1') }],
      view,
      TEST_OPTIONS,
    );
    expect(refusals[0]).toBe(refusals[1]);
    expect(refusals[0]?.rule).toBe('node-known');
    expect(refusals[2]?.rule).toBe('department-isolation');
  });
});
