import { backoffDelay, DEFAULT_RETRY_BACKOFF, pause } from './retry-backoff.js';

describe('backoffDelay', () => {
  it.each([
    [1, 5],
    [2, 10],
    [3, 20],
    [4, 40],
    [5, 50],
    [19, 50],
    [10_000, 50],
  ])('given retry %i and the defaults, waits at most %i ms', (retry, cap) => {
    expect(backoffDelay(retry, DEFAULT_RETRY_BACKOFF, () => 0.999999)).toBeCloseTo(cap, 3);
    expect(backoffDelay(retry, DEFAULT_RETRY_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(retry, DEFAULT_RETRY_BACKOFF, () => 0.5)).toBe(cap / 2);
  });

  it('given the defaults, the 19 waits of 20 attempts add up to at most 825 ms', () => {
    let total = 0;
    for (let retry = 1; retry < 20; retry += 1) total += backoffDelay(retry, DEFAULT_RETRY_BACKOFF, () => 1);
    expect(total).toBe(825);
  });

  it('given no backoff, never waits', () => {
    expect(backoffDelay(3, { baseMs: 0, maxMs: 0 }, () => 0.7)).toBe(0);
  });
});

describe('pause', () => {
  it('given a signal that aborts, resolves at once instead of after the delay', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = pause(60_000, controller.signal);
    setTimeout(() => controller.abort(), 10);
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('given an aborted signal or no delay, resolves at once', async () => {
    const aborted = AbortSignal.abort();
    await pause(60_000, aborted);
    await pause(0, new AbortController().signal);
  });
});
