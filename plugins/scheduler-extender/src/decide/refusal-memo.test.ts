import { RefusalMemo } from './refusal-memo.js';
import { fail, type RuleResult } from './verdict.js';

/** A builder that counts its calls and names its context in the message. */
function counting() {
  const calls: string[] = [];
  const make = (context: string): RuleResult => {
    calls.push(context);
    return fail('gpu-nodes', `built for ${context}`, true);
  };
  return { calls, make };
}

describe('RefusalMemo.refusal', () => {
  it('given the same rule and key twice, builds once and returns the kept refusal', () => {
    const memo = new RefusalMemo();
    const { calls, make } = counting();
    const first = memo.refusal('gpu-nodes', 'gpu-node', make, 'first');
    const second = memo.refusal('gpu-nodes', 'gpu-node', make, 'second');
    expect(calls).toEqual(['first']);
    expect(second).toBe(first);
    expect(second.message).toBe('built for first');
  });

  it('given a builder without context, calls it once per key', () => {
    const memo = new RefusalMemo();
    let calls = 0;
    const make = () => fail('spread', `refusal ${++calls}`, false);
    const results = ['a', 'b', 'a', 'b', 'a'].map((key) => memo.refusal('spread', key, make));
    expect(calls).toBe(2);
    expect(results.map((result) => result.message)).toEqual([
      'refusal 1',
      'refusal 2',
      'refusal 1',
      'refusal 2',
      'refusal 1',
    ]);
  });

  it('given different (rule, key) pairs, keeps a refusal for each without collisions', () => {
    const memo = new RefusalMemo();
    const { calls, make } = counting();
    const pairs = [
      ['gpu-nodes', 'web'],
      ['gpu-nodes', 'ml'],
      ['department-isolation', 'web'],
      ['spread', 'web'],
    ] as const;
    const results = pairs.map(([rule, key]) => memo.refusal(rule, key, make, `${rule}/${key}`));
    expect(new Set(results).size).toBe(pairs.length);
    expect(calls).toEqual(pairs.map(([rule, key]) => `${rule}/${key}`));
    pairs.forEach(([rule, key], i) => {
      expect(memo.refusal(rule, key, make, 'again')).toBe(results[i]);
    });
    expect(calls).toHaveLength(pairs.length);
  });

  it('given a new memo (a new request), builds again', () => {
    const { calls, make } = counting();
    const first = new RefusalMemo().refusal('gpu-nodes', 'gpu-node', make, 'one');
    const second = new RefusalMemo().refusal('gpu-nodes', 'gpu-node', make, 'two');
    expect(calls).toEqual(['one', 'two']);
    expect(second).not.toBe(first);
  });
});

describe('RefusalMemo.refusal kinds and keys', () => {
  it('given a builder, passes it the context and the key, so one module-level builder serves every key', () => {
    const memo = new RefusalMemo();
    const make = (owner: string, key: string) => fail('department-isolation', `${owner}: ${key}`, true);
    expect(memo.refusal('department-isolation:dedicated', 'fin', make, 'pod').message).toBe('pod: fin');
    expect(memo.refusal('department-isolation:dedicated', 'web', make, 'pod').message).toBe('pod: web');
  });

  it('given two kinds of one rule with the same key, keeps a refusal for each', () => {
    const memo = new RefusalMemo();
    const dedicated = memo.refusal('department-isolation:dedicated', 'fin', () =>
      fail('department-isolation', 'dedicated to fin', true),
    );
    const runs = memo.refusal('department-isolation', 'fin', () =>
      fail('department-isolation', 'runs pods of fin', true),
    );
    expect([dedicated.message, runs.message]).toEqual(['dedicated to fin', 'runs pods of fin']);
  });
});

describe('RefusalMemo.listOf', () => {
  it('given the same result twice, returns one frozen single-element list', () => {
    const memo = new RefusalMemo();
    const result = fail('spread', 'full', false);
    const list = memo.listOf(result);
    expect(list).toEqual([result]);
    expect(Object.isFrozen(list)).toBe(true);
    expect(memo.listOf(result)).toBe(list);
  });
});
