import { RESUME_BACKOFF, retryDelayMs } from './backoff.js';

describe('retryDelayMs', () => {
  it.each([
    [1, 5_000],
    [2, 10_000],
    [3, 20_000],
    [6, 160_000],
    [7, 300_000],
    [50, 300_000],
    [10_000, 300_000],
  ])('given %i failures in a row with the resume backoff, waits %i ms', (failures, ms) => {
    expect(retryDelayMs(failures, RESUME_BACKOFF)).toBe(ms);
  });

  it.each([0, -3, Number.NaN])('given %s failures (nonsense), waits the first delay', (failures) => {
    expect(retryDelayMs(failures, { firstMs: 100, maxMs: 1_000 })).toBe(100);
  });

  it('given a first delay above the cap, never waits more than the cap', () => {
    expect(retryDelayMs(1, { firstMs: 10_000, maxMs: 1_000 })).toBe(1_000);
  });
});
