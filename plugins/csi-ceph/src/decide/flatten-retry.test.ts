import { CSI_ERR } from '../errors.js';
import {
  decideFlattenRetry,
  failedFlattenOutcome,
  FLATTEN_RETRY,
  flattenRetryDelayMs,
  transientReason,
  type RetryInput,
} from './flatten-retry.js';

const NO_JITTER = { ...FLATTEN_RETRY, jitter: 0 };

describe('flattenRetryDelayMs', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [7, 60_000],
    [40, 60_000],
    [1e9, 60_000],
  ])('given attempt %i failed (no jitter), waits %i ms', (attempt, ms) => {
    expect(flattenRetryDelayMs(attempt, 0.5, NO_JITTER)).toBe(ms);
  });

  it.each([0, -2, Number.NaN, Number.POSITIVE_INFINITY])(
    'given attempt %s (nonsense), waits the first delay',
    (attempt) => {
      expect(flattenRetryDelayMs(attempt, 0.5, NO_JITTER)).toBe(1_000);
    },
  );

  it.each([
    [0, 6_400],
    [0.5, 8_000],
    [0.999_999, 9_600],
  ])('given attempt 4 and random %s, moves the 8 s wait by at most 20 %% (%i ms)', (random, ms) => {
    expect(flattenRetryDelayMs(4, random)).toBe(ms);
  });

  it('given the cap reached, never waits more than a minute, and at least 48 s', () => {
    for (const random of [0, 0.25, 0.5, 0.75, 0.999]) {
      const ms = flattenRetryDelayMs(30, random);
      expect(ms).toBeLessThanOrEqual(60_000);
      expect(ms).toBeGreaterThanOrEqual(48_000);
    }
  });

  it.each([Number.NaN, -1, 7])('given random %s (out of range), still waits within the jitter', (random) => {
    const ms = flattenRetryDelayMs(1, random);
    expect(ms).toBeGreaterThanOrEqual(800);
    expect(ms).toBeLessThanOrEqual(1_200);
  });
});

describe('transientReason', () => {
  it.each([
    [CSI_ERR.POOL_FULL, 'pool-full'],
    [CSI_ERR.CEPH_UNAVAILABLE, 'ceph-unavailable'],
    [CSI_ERR.IN_USE, 'image-busy'],
  ])('given %s, returns %s', (code, reason) => {
    expect(transientReason({ code })).toBe(reason);
  });

  it.each([
    CSI_ERR.CEPH,
    CSI_ERR.CEPH_AUTH,
    CSI_ERR.CEPH_FORBIDDEN,
    CSI_ERR.NOT_FOUND,
    CSI_ERR.FLATTEN_STOPPED,
    CSI_ERR.INTERNAL,
    'ECONNRESET',
    undefined,
  ])('given %s, returns undefined (waiting does not cure it)', (code) => {
    expect(transientReason(code === undefined ? {} : { code })).toBeUndefined();
  });
});

describe('decideFlattenRetry', () => {
  const input = (over: Partial<RetryInput> = {}): RetryInput => ({
    failure: { code: CSI_ERR.POOL_FULL },
    attempt: 1,
    pending: 0,
    waiting: false,
    draining: false,
    random01: 0.5,
    ...over,
  });

  it('given the first failure on a full pool, retries after the first delay and warns', () => {
    expect(decideFlattenRetry(input())).toEqual({
      retry: true,
      reason: 'pool-full',
      attempt: 1,
      delayMs: 1_000,
      level: 'warn',
    });
  });

  it('given a later failure, retries after a longer delay and only informs', () => {
    expect(decideFlattenRetry(input({ attempt: 3, waiting: true, pending: 5 }))).toMatchObject({
      retry: true,
      attempt: 3,
      delayMs: 4_000,
      level: 'info',
    });
  });

  it('given Ceph unreachable (errno 110), retries', () => {
    expect(decideFlattenRetry(input({ failure: { code: CSI_ERR.CEPH_UNAVAILABLE } }))).toMatchObject({
      retry: true,
      reason: 'ceph-unavailable',
    });
  });

  it('given a failure waiting does not cure, does not retry', () => {
    expect(decideFlattenRetry(input({ failure: { code: CSI_ERR.CEPH_FORBIDDEN } }))).toEqual({
      retry: false,
      why: 'not-transient',
    });
  });

  it('given the driver draining, or a flatten the shutdown stopped, does not retry', () => {
    expect(decideFlattenRetry(input({ draining: true }))).toEqual({ retry: false, why: 'stopping' });
    expect(decideFlattenRetry(input({ failure: { code: CSI_ERR.FLATTEN_STOPPED } }))).toEqual({
      retry: false,
      why: 'stopping',
    });
  });

  it('given the set of waiting images full, refuses a new image but keeps one already waiting', () => {
    const full = FLATTEN_RETRY.maxPending;
    expect(decideFlattenRetry(input({ pending: full }))).toEqual({ retry: false, why: 'too-many' });
    expect(decideFlattenRetry(input({ pending: full, waiting: true, attempt: 2 }))).toMatchObject({
      retry: true,
    });
    expect(decideFlattenRetry(input({ pending: full - 1 }))).toMatchObject({ retry: true });
  });
});

describe('failedFlattenOutcome', () => {
  it.each([
    [CSI_ERR.POOL_FULL, true, 'retrying'],
    [CSI_ERR.POOL_FULL, false, 'failed'],
    [CSI_ERR.CEPH_FORBIDDEN, false, 'failed'],
    [undefined, false, 'failed'],
    [CSI_ERR.FLATTEN_STOPPED, false, 'stopped'],
    [CSI_ERR.FLATTEN_STOPPED, true, 'stopped'],
  ] as const)('given code %s and retrying %s, returns %s', (code, retrying, outcome) => {
    expect(failedFlattenOutcome(code === undefined ? {} : { code }, retrying)).toBe(outcome);
  });
});
