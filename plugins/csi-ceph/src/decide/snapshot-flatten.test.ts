import { DEADLINE_MARGIN_MS, mustFlattenBeforeSnapshot, waitBudgetMs } from './snapshot-flatten.js';

const LAYERING = 1n;
const DEEP_FLATTEN = 32n;

describe('mustFlattenBeforeSnapshot', () => {
  it.each([
    ['a clone with layering only', true, LAYERING, true],
    ['a clone with every feature but deep-flatten', true, LAYERING | 4n | 8n | 16n, true],
    ['a clone with deep-flatten', true, LAYERING | DEEP_FLATTEN, false],
    ['a flat image', false, LAYERING, false],
    ['a flat image with deep-flatten', false, LAYERING | DEEP_FLATTEN, false],
  ])('given %s, answers %s', (_label, hasParent, features, expected) => {
    expect(mustFlattenBeforeSnapshot(hasParent, features)).toBe(expected);
  });
});

describe('waitBudgetMs', () => {
  const now = 1_000_000;
  it.each([
    ['no deadline', Number.POSITIVE_INFINITY, undefined],
    ['a minute left', now + 60_000, 60_000 - DEADLINE_MARGIN_MS],
    ['5 s left', now + 5_000, 4_500],
    ['500 ms left', now + 500, 450],
    ['no time left', now, 0],
    ['a deadline passed', now - 2_000, 0],
  ])('given %s, waits %s ms', (_label, deadline, expected) => {
    expect(waitBudgetMs(deadline, now)).toBe(expected);
  });
});
