import { describe, expect, it } from 'vitest';
import { groupRefusals, splitReason } from './refusals.js';

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
