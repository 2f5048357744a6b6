import { DEFAULT_TIMING, pickWatchTimeout, resolveSettings } from './settings.js';

describe('resolveSettings', () => {
  it('given overrides, returns them over the defaults, frozen', () => {
    const settings = resolveSettings({ shortWatchMs: 5 }, { initialMs: 10 });
    expect(settings.timing).toEqual({ ...DEFAULT_TIMING, shortWatchMs: 5 });
    expect(settings.backoff).toMatchObject({ initialMs: 10, maxMs: 30_000, factor: 2 });
    expect(Object.isFrozen(settings.timing)).toBe(true);
  });
});

describe('pickWatchTimeout', () => {
  it.each([
    [0, 300],
    [0.5, 450],
    [0.999, 599],
  ])('given random %f in 300..600 s, returns %i', (random, expected) => {
    expect(pickWatchTimeout({ min: 300, max: 600 }, random)).toBe(expected);
  });

  it('given a zero range, returns at least one second', () => {
    expect(pickWatchTimeout({ min: 0, max: 0 }, 0.5)).toBe(1);
  });
});
