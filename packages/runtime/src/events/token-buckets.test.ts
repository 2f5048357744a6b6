import { TokenBuckets } from './token-buckets.js';

describe('TokenBuckets', () => {
  it('given a burst of 3, allows 3 at once per key, then one per refill period', () => {
    const buckets = new TokenBuckets({ burst: 3, refillMs: 1000, maxKeys: 10 });
    expect([1, 2, 3, 4].map(() => buckets.take('a', 0))).toEqual([true, true, true, false]);
    expect(buckets.take('b', 0)).toBe(true);
    expect(buckets.take('a', 999)).toBe(false);
    expect(buckets.take('a', 1000)).toBe(true);
    expect(buckets.take('a', 1000)).toBe(false);
    expect([1, 2, 3, 4].map(() => buckets.take('a', 1_000_000))).toEqual([true, true, true, false]);
  });

  it('given more keys than it may remember, forgets the longest-unused first', () => {
    const buckets = new TokenBuckets({ burst: 1, refillMs: 60_000, maxKeys: 2 });
    buckets.take('a', 0);
    buckets.take('b', 0);
    buckets.take('c', 0);
    expect(buckets.size()).toBe(2);
    expect(buckets.take('b', 1)).toBe(false);
    expect(buckets.take('a', 1)).toBe(true);
  });
});
