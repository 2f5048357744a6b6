import { CallTimeoutError } from '../errors.js';
import { FakeApiError } from '../leader/__fixtures__/memory-leases.js';
import { classifyFailure, retryAfterMs } from './api-failure.js';

const NOW = Date.UTC(2025, 0, 1);

describe('classifyFailure', () => {
  it.each([
    ['403 (namespace being terminated)', new FakeApiError(403), { kind: 'refused', status: 403 }],
    ['404 (namespace gone)', new FakeApiError(404), { kind: 'refused', status: 404 }],
    ['409 (name taken)', new FakeApiError(409), { kind: 'refused', status: 409 }],
    ['422 (invalid body)', new FakeApiError(422), { kind: 'refused', status: 422 }],
    ['401 (our credentials)', new FakeApiError(401), { kind: 'unavailable', status: 401 }],
    [
      '429 without Retry-After',
      new FakeApiError(429),
      { kind: 'throttled', status: 429, retryAfterMs: 1_000 },
    ],
    [
      '429 with Retry-After: 7',
      new FakeApiError(429, { 'Retry-After': '7' }),
      { kind: 'throttled', status: 429, retryAfterMs: 7_000 },
    ],
    [
      '503 with Retry-After',
      new FakeApiError(503, { 'retry-after': '2' }),
      { kind: 'throttled', status: 503, retryAfterMs: 2_000 },
    ],
    ['500', new FakeApiError(500), { kind: 'unavailable', status: 500 }],
    ['a timeout', new CallTimeoutError('x', 10), { kind: 'unavailable', status: undefined }],
    ['a reset connection', new Error('ECONNRESET'), { kind: 'unavailable', status: undefined }],
  ])('given %s, returns %j', (_name, err, expected) => {
    expect(classifyFailure(err, NOW)).toEqual(expected);
  });

  it('given Retry-After as an HTTP date, or absurdly long, or garbage, reads it capped or not at all', () => {
    expect(retryAfterMs(new Date(NOW + 3_000).toUTCString(), NOW)).toBe(3_000);
    expect(retryAfterMs('86400', NOW)).toBe(60_000);
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
  });
});
