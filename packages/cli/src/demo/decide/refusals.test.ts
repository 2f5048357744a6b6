import { describe, expect, it } from 'vitest';
import { groupRefusals, groupsToShow, splitReason } from './refusals.js';

describe('splitReason', () => {
  it('given several rules joined, splits them, keeping semicolons inside a message', () => {
    expect(splitReason('gpu-nodes: dedicated to GPU; run it elsewhere; spread: too many')).toEqual([
      { rule: 'gpu-nodes', message: 'dedicated to GPU; run it elsewhere' },
      { rule: 'spread', message: 'too many' },
    ]);
  });
  it('given text without a rule, keeps it whole', () => {
    expect(splitReason('Something odd')).toEqual([{ rule: 'extender', message: 'Something odd' }]);
  });
});

describe('groupRefusals', () => {
  it('given refusals by node, groups them by rule, largest group first', () => {
    const groups = groupRefusals({
      b: 'department-isolation: b runs web',
      a: 'department-isolation: a runs web; spread: a is full',
      c: ['Insufficient cpu'],
    });
    expect(groups).toEqual([
      { rule: 'department-isolation', nodes: ['a', 'b'], example: 'b runs web' },
      { rule: 'Insufficient cpu', nodes: ['c'], example: 'Insufficient cpu' },
      { rule: 'spread', nodes: ['a'], example: 'a is full' },
    ]);
  });
});

describe('groupsToShow', () => {
  // storefront-preview in the demo: 8 nodes refused; the two largest groups leave gpu-b-1 without a reason.
  const groups = groupRefusals({
    'finance-a-1': ['affinity', 'taint finance'],
    'finance-b-1': ['affinity', 'taint finance'],
    'finance-c-1': ['affinity', 'taint finance'],
    'gateway-a-1': ['affinity', 'taint gateway'],
    'gateway-b-1': ['affinity', 'taint gateway'],
    'gpu-a-1': ['affinity', 'taint gpu'],
    'gpu-b-1': ['taint nvidia.com/gpu'],
    'research-c-1': ['affinity', 'taint research'],
  });

  it('given groups that leave a node without a shown reason, adds the group that names it', () => {
    const { shown, hidden } = groupsToShow(groups, 2);
    expect(shown.map((g) => g.rule)).toEqual(['affinity', 'taint finance', 'taint nvidia.com/gpu']);
    expect(hidden).toBe(3);
    expect(new Set(shown.flatMap((g) => g.nodes)).size).toBe(8);
  });

  it('given a limit above the number of groups, shows them all', () => {
    expect(groupsToShow(groups, 10)).toEqual({ shown: groups, hidden: 0 });
  });
});
