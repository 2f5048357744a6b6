import { ClusterSourceError } from './errors.js';
import {
  isGone,
  isThrottledOrRefused,
  isTransientListFailure,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  retryAfterOf,
} from './retry-policy.js';

const listFailed = (status?: number) => new ClusterSourceError('CLUSTER_ERR_LIST_FAILED', 'LIST', status);

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    ['1', 1_000],
    [' 30 ', 30_000],
    ['0', 0],
    ['Wed, 01 Jan 2025 00:00:05 GMT', 5_000],
    ['Tue, 31 Dec 2024 23:00:00 GMT', 0],
    ['86400', MAX_RETRY_AFTER_MS],
    ['', undefined],
    ['soon', undefined],
    ['-1', undefined],
    [undefined, undefined],
  ])('given %j, returns %j ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});

describe('retryAfterOf', () => {
  it('given an error carrying retryAfterMs, returns it; otherwise undefined', () => {
    expect(
      retryAfterOf(new ClusterSourceError('CLUSTER_ERR_LIST_FAILED', 'x', 429, { retryAfterMs: 2_000 })),
    ).toBe(2_000);
    expect(retryAfterOf(listFailed(429))).toBeUndefined();
    expect(retryAfterOf('text')).toBeUndefined();
  });
});

describe('isTransientListFailure', () => {
  it.each([
    [listFailed(429), true],
    [listFailed(500), true],
    [listFailed(503), true],
    [listFailed(undefined), true],
    [listFailed(403), false],
    [listFailed(404), false],
    [listFailed(410), false],
    [new ClusterSourceError('CLUSTER_ERR_LIST_DECODE', 'not a list'), false],
  ])('given %s, returns %s', (err, expected) => {
    expect(isTransientListFailure(err)).toBe(expected);
  });
});

describe('isGone', () => {
  it('given a 410, returns true; any other status, false', () => {
    expect(isGone(listFailed(410))).toBe(true);
    expect(isGone(listFailed(404))).toBe(false);
  });
});

describe('isThrottledOrRefused', () => {
  it.each([
    [new ClusterSourceError('CLUSTER_ERR_WATCH_FAILED', 'WATCH: Too Many Requests', 429), true],
    [new ClusterSourceError('CLUSTER_ERR_WATCH_EVENT', 'WATCH: ERROR event', 429), true],
    [
      new ClusterSourceError('CLUSTER_ERR_WATCH_FAILED', 'WATCH', undefined, {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      }),
      true,
    ],
    [new ClusterSourceError('CLUSTER_ERR_WATCH_FAILED', 'WATCH: Premature close'), false],
    [new ClusterSourceError('CLUSTER_ERR_WATCH_EVENT', 'conversion webhook failed', 500), false],
  ])('given %s, returns %s', (err, expected) => {
    expect(isThrottledOrRefused(err)).toBe(expected);
  });
});
