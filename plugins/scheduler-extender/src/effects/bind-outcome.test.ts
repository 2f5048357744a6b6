import { mayHaveBound, type BindFailure } from './bind-outcome.js';

describe('mayHaveBound: could a failed binding POST have bound the pod?', () => {
  it.each<[string, boolean, BindFailure]>([
    ['given up at its timeout', true, { aborted: true }],
    ['given up at its timeout, a status seen', true, { status: 400, aborted: true }],
    ['HTTP 500 (a storage write timed out)', true, { status: 500, aborted: false }],
    ['HTTP 504 (may still be processing)', true, { status: 504, aborted: false }],
    ['HTTP 503', true, { status: 503, aborted: false }],
    ['the connection reset once sent', true, { code: 'ECONNRESET', aborted: false }],
    ['a broken pipe', true, { code: 'EPIPE', aborted: false }],
    ['no status and no code', true, { aborted: false }],
    ['HTTP 400', false, { status: 400, aborted: false }],
    ['HTTP 403 (RBAC)', false, { status: 403, aborted: false }],
    ['HTTP 404', false, { status: 404, aborted: false }],
    ['HTTP 429 (rejected by flow control)', false, { status: 429, aborted: false }],
    ['connection refused', false, { code: 'ECONNREFUSED', aborted: false }],
    ['an unknown host', false, { code: 'ENOTFOUND', aborted: false }],
    ['a failed DNS look-up', false, { code: 'EAI_AGAIN', aborted: false }],
  ])('given %s, answers %s', (_what, expected, failure) => {
    expect(mayHaveBound(failure)).toBe(expected);
  });
});
