import { rawPod } from '@corral/cluster';
import { ruleInput, smallCluster, withScheduling } from '../../testing/small-cluster.js';
import { colocate } from './colocate.js';
import { gpuPacking } from './gpu-packing.js';
import { ownNodes } from './own-nodes.js';
import { blend, scaled, type ScorePart } from './score.js';
import { unanimousRules } from './unanimous.js';

describe('blend', () => {
  it.each([
    [[], 0],
    [[{ rule: 'own-nodes' as const, score: 10, weight: 1 }], 10],
    [[{ rule: 'own-nodes' as const, score: 0, weight: 1 }], 0],
    // Own nodes score 6..10, the shared pool 0..5, each band ordered by the other rules.
    [
      [
        { rule: 'own-nodes' as const, score: 10, weight: 1 },
        { rule: 'colocate' as const, score: 0, weight: 2 },
      ],
      6,
    ],
    [
      [
        { rule: 'own-nodes' as const, score: 10, weight: 1 },
        { rule: 'gpu-packing' as const, score: 5, weight: 2 },
      ],
      8,
    ],
    [
      [
        { rule: 'own-nodes' as const, score: 0, weight: 1 },
        { rule: 'gpu-packing' as const, score: 10, weight: 2 },
        { rule: 'colocate' as const, score: 10, weight: 2 },
      ],
      5,
    ],
    [
      [
        { rule: 'own-nodes' as const, score: 0, weight: 1 },
        { rule: 'gpu-packing' as const, score: 4, weight: 2 },
      ],
      2,
    ],
    [
      [
        { rule: 'gpu-packing' as const, score: 4, weight: 2 },
        { rule: 'colocate' as const, score: 10, weight: 2 },
      ],
      7,
    ],
    [[{ rule: 'colocate' as const, score: 99, weight: 1 }], 10],
  ])('given %j, returns %s (an integer 0..10)', (parts, expected) => {
    expect(blend(parts)).toBe(expected);
  });

  it('ranks every own node above every shared one, whatever the other rules say', () => {
    const others = [0, 1, 3.3, 5, 7.7, 10];
    const withOwn = (own: number) =>
      others.flatMap((gpu) =>
        others.map((colocate) =>
          blend([
            { rule: 'own-nodes', score: own, weight: 1 },
            { rule: 'gpu-packing', score: gpu, weight: 2 },
            { rule: 'colocate', score: colocate, weight: 2 },
          ]),
        ),
      );
    expect(Math.min(...withOwn(10))).toBeGreaterThan(Math.max(...withOwn(0)));
  });

  it.each([
    [0.5, 5],
    [2, 10],
    [-1, 0],
    [Number.NaN, 0],
  ])('scaled(%s) is %s', (ratio, expected) => expect(scaled(ratio)).toBe(expected));
});

describe('score rules', () => {
  const store = smallCluster();
  it.each([
    ['a department pod on its own node', 'fin-ns', 'fin-1', 10],
    ['a department pod on the shared pool', 'res-ns', 'shared-1', 0],
  ])('ownNodes: given %s, scores %s', (_what, namespace, node, score) => {
    expect(ownNodes(ruleInput(store, namespace, node))?.score).toBe(score);
  });

  it('ownNodes: given a pod with no department, has no opinion', () => {
    expect(ownNodes(ruleInput(store, 'sandbox', 'shared-1'))).toBeUndefined();
  });

  it('gpuPacking: given a 1-GPU pod, scores the node with 3 of 4 used (full after) above the empty one', () => {
    const gpu = { requests: { 'nvidia.com/gpu': '1' } };
    expect(gpuPacking(ruleInput(store, 'res-ns', 'gpu-1', gpu))?.score).toBe(10);
    expect(gpuPacking(ruleInput(store, 'res-ns', 'gpu-2', gpu))?.score).toBe(2.5);
    expect(gpuPacking(ruleInput(store, 'res-ns', 'shared-1', {}))).toBeUndefined();
  });

  it('colocate: given rules, earns the weight of each rule whose pods run on the node, in the same namespace only', () => {
    const local = withScheduling(smallCluster(), 'web-ns', {
      colocate: [
        { selector: { matchLabels: { app: 'shop' } }, weight: 3 },
        { selector: { matchLabels: { app: 'cache' } }, weight: 1 },
      ],
    });
    local.upsert(
      'Pod',
      rawPod('sandbox', 'cache', { nodeName: 'shared-2', labels: { app: 'cache' } }),
      'test',
    );
    expect(colocate(ruleInput(local, 'web-ns', 'shared-2'))?.score).toBe(7.5);
    expect(colocate(ruleInput(local, 'web-ns', 'shared-1'))?.score).toBe(0);
    expect(colocate(ruleInput(local, 'res-ns', 'shared-2'))).toBeUndefined();
  });
});

describe('unanimousRules', () => {
  const own = (score: number): ScorePart => ({ rule: 'own-nodes', score, weight: 1 });
  const gpu = (score: number): ScorePart => ({ rule: 'gpu-packing', score, weight: 2 });
  it.each([
    ['no node', [], []],
    [
      'one rule alike on every node',
      [
        [own(0), gpu(3.75)],
        [own(0), gpu(5)],
      ],
      ['own-nodes'],
    ],
    [
      'every rule alike',
      [
        [own(10), gpu(5)],
        [own(10), gpu(5)],
      ],
      ['own-nodes', 'gpu-packing'],
    ],
    ['a rule that differs', [[own(10)], [own(0)]], []],
    ['a rule with no opinion on one node', [[own(0), gpu(5)], [own(0)]], ['own-nodes']],
    ['a node with no view', [[own(0)], undefined], []],
  ] as [string, (ScorePart[] | undefined)[], string[]][])(
    'given %s, returns %j',
    (_what, nodes, expected) => {
      expect([...unanimousRules(nodes)]).toEqual(expected);
    },
  );
});
