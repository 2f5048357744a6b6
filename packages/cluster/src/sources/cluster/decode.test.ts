import { decodeList, resourceVersionOf, statusMessage, withTypeMeta } from './decode.js';
import { ClusterSourceError } from './errors.js';
import { RESOURCES } from './resources.js';

describe('decodeList', () => {
  it('given a core list whose items lack kind/apiVersion, returns items with them and the resourceVersion', () => {
    const body = {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '55' },
      items: [{ metadata: { name: 'a', namespace: 'ns' }, spec: { nodeName: 'n1' } }],
    };
    expect(decodeList(body, RESOURCES.Pod)).toEqual({
      resourceVersion: '55',
      items: [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'ns' }, spec: { nodeName: 'n1' } },
      ],
    });
  });

  it('given CRD items that carry kind/apiVersion, returns the same objects', () => {
    const item = { apiVersion: 'corral.dev/v1alpha1', kind: 'Department', metadata: { name: 'finance' } };
    const decoded = decodeList({ metadata: { resourceVersion: '7' }, items: [item] }, RESOURCES.Department);
    expect(decoded.items[0]).toBe(item);
  });

  it('given timestamps, keeps them as the strings the server sent', () => {
    const items = [{ metadata: { name: 'n', creationTimestamp: '2024-05-01T10:00:00Z' } }];
    const [node] = decodeList({ metadata: {}, items }, RESOURCES.Node).items;
    expect(node?.metadata).toEqual({ name: 'n', creationTimestamp: '2024-05-01T10:00:00Z' });
  });

  it('given no list metadata, returns an empty resourceVersion', () => {
    expect(decodeList({ items: [] }, RESOURCES.Node).resourceVersion).toBe('');
  });

  it.each([[null], [{}], [{ items: {} }], [{ items: [1] }], [[]]])(
    'given %j, throws a decode error',
    (body) => {
      expect(() => decodeList(body, RESOURCES.Node)).toThrow(ClusterSourceError);
    },
  );
});

describe('withTypeMeta', () => {
  it('given an item with only one of the two, fills the other from the resource', () => {
    expect(withTypeMeta({ kind: 'Node', metadata: {} }, RESOURCES.Node)).toEqual({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {},
    });
  });
});

describe('resourceVersionOf', () => {
  it.each([
    [{ metadata: { resourceVersion: '3' } }, '3'],
    [{ metadata: { resourceVersion: '' } }, undefined],
    [{ metadata: {} }, undefined],
    [{}, undefined],
    ['x', undefined],
  ])('given %j, returns %s', (object, expected) => {
    expect(resourceVersionOf(object)).toBe(expected);
  });
});

describe('statusMessage', () => {
  it.each([
    ['{"kind":"Status","code":403,"message":"pods is forbidden"}', 'pods is forbidden'],
    ['{"kind":"PodList"}', undefined],
    ['<html>bad gateway</html>', undefined],
  ])('given %s, returns %s', (text, expected) => {
    expect(statusMessage(text)).toBe(expected);
  });
});
