import { describeError, redact } from './describe-error.js';
import { ClusterSourceError } from './errors.js';

describe('redact', () => {
  it.each([
    ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer [redacted]'],
    ['basic dXNlcjpwYXNz failed', 'basic [redacted] failed'],
    [
      'request to https://admin:s3cret@10.0.0.1:6443/api failed',
      'request to https://[redacted]@10.0.0.1:6443/api failed',
    ],
    ['GET /api?access_token=xyz&watch=true', 'GET /api?access_token=[redacted]&watch=true'],
    ['WATCH /api/v1/pods: Premature close', 'WATCH /api/v1/pods: Premature close'],
  ])('given %s, returns %s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });
});

describe('describeError', () => {
  it('given a cluster source error, returns message, code and status', () => {
    const err = new ClusterSourceError('CLUSTER_ERR_LIST_FAILED', 'LIST /api/v1/pods: boom', 500);
    expect(describeError(err)).toEqual({
      message: 'LIST /api/v1/pods: boom',
      code: 'CLUSTER_ERR_LIST_FAILED',
      statusCode: 500,
    });
  });

  it('given an error carrying a token, returns it redacted', () => {
    expect(describeError(new Error('sent Bearer t0k3n')).message).toBe('sent Bearer [redacted]');
  });

  it('given an error carrying a secret flag or a cephx key, returns it redacted (the shared rules)', () => {
    const key = `AQ${'a1B/'.repeat(9)}xy==`;
    expect(describeError(new Error(`rbd map --key ${key} --id admin: exit 1`)).message).toBe(
      'rbd map --key [redacted] --id admin: exit 1',
    );
    expect(describeError(new Error('GET /api?client_secret=abc&x=1')).message).toBe(
      'GET /api?client_secret=[redacted]&x=1',
    );
  });

  it('given something that is not an Error, returns its text', () => {
    expect(describeError('plain')).toEqual({ message: 'plain' });
  });
});
