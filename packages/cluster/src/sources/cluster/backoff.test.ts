import { backoffDelay, type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.js';

const noJitter: BackoffPolicy = { ...DEFAULT_BACKOFF, jitter: 0 };

describe('backoffDelay', () => {
  it.each([
    [0, 200],
    [1, 400],
    [2, 800],
    [7, 25_600],
    [8, 30_000],
    [50, 30_000],
    [5_000, 30_000],
  ])('given attempt %i without jitter, returns %i ms', (attempt, expected) => {
    expect(backoffDelay(attempt, noJitter, 0.5)).toBe(expected);
  });

  it.each([
    [0, 160],
    [0.5, 200],
    [0.999999, 240],
  ])('given random %f and 20%% jitter on 200 ms, returns %i ms', (random, expected) => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, random)).toBe(expected);
  });

  it('given jitter at the cap, never returns more than maxMs', () => {
    expect(backoffDelay(20, DEFAULT_BACKOFF, 0.999999)).toBe(30_000);
    expect(backoffDelay(20, DEFAULT_BACKOFF, 0)).toBe(24_000);
  });

  it('given a negative attempt, treats it as the first', () => {
    expect(backoffDelay(-3, noJitter, 0.5)).toBe(200);
  });
});
