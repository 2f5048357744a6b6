import { clusterView, contextOf, podView, smallCluster, TEST_OPTIONS } from '../testing/small-cluster.js';
import { decideOptions } from './decide-options.js';
import { explainPod } from './explain.js';
import { filterNodes } from './filter.js';
import { prioritizeNodes } from './prioritize.js';
import { reasonOf } from './verdict.js';

describe('filterNodes', () => {
  const store = smallCluster();
  const cluster = clusterView(store);
  const candidates = (names: string[]) =>
    names.map((name) => ({ name, ...(store.node(name) ? { view: store.node(name) } : {}) }));

  it('given a pod of a system namespace, passes every known node with a skip', () => {
    const verdicts = filterNodes(
      contextOf(store, podView('kube-system', 'dns')),
      candidates(['fin-1', 'gpu-1']),
      cluster,
      TEST_OPTIONS,
    );
    expect(verdicts.map((v) => [v.node, v.status, v.results[0]?.status])).toEqual([
      ['fin-1', 'pass', 'skip'],
      ['gpu-1', 'pass', 'skip'],
    ]);
  });

  it('given a configured system namespace list, passes only those', () => {
    const options = decideOptions(['sandbox'], ['nvidia.com/gpu']);
    const [verdict] = filterNodes(
      contextOf(store, podView('kube-system', 'dns')),
      candidates(['fin-1']),
      cluster,
      options,
    );
    expect(verdict?.status).toBe('fail');
  });

  it('given an unknown node, fails it (unresolvable: no preemption makes it known) rather than passing it', () => {
    const [verdict] = filterNodes(
      contextOf(store, podView('res-ns', 'p')),
      candidates(['nope']),
      cluster,
      TEST_OPTIONS,
    );
    expect(verdict).toMatchObject({ status: 'fail', unresolvable: true });
  });

  it('given a node two rules refuse, joins both reasons with the rule names', () => {
    const [verdict] = filterNodes(
      contextOf(store, podView('fin-ns', 'p')),
      candidates(['gpu-1']),
      cluster,
      TEST_OPTIONS,
      { allReasons: true },
    );
    if (!verdict) throw new Error('no verdict');
    expect(reasonOf(verdict)).toMatch(
      /^department-isolation: department fin is dedicated.*; gpu-nodes: node is dedicated to GPU workloads/,
    );
    expect(verdict.unresolvable).toBe(true);
  });

  it('given a node two rules refuse while serving, stops at the first (department isolation)', () => {
    const [verdict] = filterNodes(
      contextOf(store, podView('fin-ns', 'p')),
      candidates(['gpu-1']),
      cluster,
      TEST_OPTIONS,
    );
    expect(verdict?.results.map((r) => r.rule)).toEqual(['department-isolation']);
  });

  it('given unknown nodes and system pods, prioritize scores them 0', () => {
    const scores = prioritizeNodes(
      contextOf(store, podView('fin-ns', 'p')),
      candidates(['fin-1', 'nope']),
      cluster,
      TEST_OPTIONS,
    );
    expect(scores.map((s) => [s.node, s.score])).toEqual([
      ['fin-1', 10],
      ['nope', 0],
    ]);
  });

  it('explainPod: given a pod, returns a row per node with verdict, rules, reason and score', () => {
    const rows = explainPod(
      contextOf(store, podView('res-ns', 'p')),
      candidates(['shared-1', 'fin-1']),
      cluster,
      TEST_OPTIONS,
    );
    expect(rows[0]).toMatchObject({ node: 'shared-1', verdict: 'fits', score: 0 });
    expect(rows[1]).toMatchObject({
      node: 'fin-1',
      verdict: 'refused (unresolvable)',
      rules: ['department-isolation'],
    });
    expect(rows[1]?.score).toBeUndefined();
  });
});
