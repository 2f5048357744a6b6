import { classifyWatchEvent } from './watch-event.js';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', resourceVersion: '12' },
};

describe('classifyWatchEvent', () => {
  it.each([
    ['ADDED', 'upsert'],
    ['MODIFIED', 'upsert'],
    ['DELETED', 'remove'],
  ])('given %s, returns %s with the object and its resourceVersion', (type, action) => {
    expect(classifyWatchEvent(type, pod)).toEqual({ type: action, object: pod, resourceVersion: '12' });
  });

  it('given a BOOKMARK, returns only the resourceVersion', () => {
    const bookmark = { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '40' } };
    expect(classifyWatchEvent('BOOKMARK', bookmark)).toEqual({ type: 'bookmark', resourceVersion: '40' });
  });

  it.each(['Expired', 'Gone'])('given an ERROR Status 410 (%s), returns gone', (reason) => {
    const status = {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: 410,
      reason,
      message: 'too old',
    };
    expect(classifyWatchEvent('ERROR', status)).toEqual({ type: 'gone', message: 'too old' });
  });

  it('given an ERROR Status with another code, returns error', () => {
    const status = { kind: 'Status', code: 500, message: 'etcd unavailable' };
    expect(classifyWatchEvent('ERROR', status)).toEqual({
      type: 'error',
      code: 500,
      message: 'etcd unavailable',
      resourceVersionTooLarge: false,
    });
  });

  it.each([
    [
      'a ResourceVersionTooLarge cause',
      { code: 504, message: 'Timeout', details: { causes: [{ reason: 'ResourceVersionTooLarge' }] } },
    ],
    [
      'only the message (older servers)',
      { code: 504, message: 'Too large resource version: 12, current: 9' },
    ],
  ])('given an ERROR Status with %s, returns error marked resourceVersionTooLarge', (_what, status) => {
    expect(classifyWatchEvent('ERROR', { kind: 'Status', ...status })).toMatchObject({
      type: 'error',
      code: 504,
      resourceVersionTooLarge: true,
    });
  });

  it('given an ERROR without a Status, returns error without code', () => {
    expect(classifyWatchEvent('ERROR', 'boom')).toEqual({
      type: 'error',
      code: undefined,
      message: 'watch ERROR event',
      resourceVersionTooLarge: false,
    });
  });

  it('given an object without resourceVersion, returns upsert with none', () => {
    expect(classifyWatchEvent('ADDED', { metadata: { name: 'x' } })).toMatchObject({
      resourceVersion: undefined,
    });
  });

  it.each([
    ['ADDED', null],
    ['ADDED', [1, 2]],
    ['SOMETHING', pod],
    [undefined, pod],
  ])('given type %s with object %j, returns ignore', (type, object) => {
    expect(classifyWatchEvent(type, object).type).toBe('ignore');
  });
});
