import { rawNode, rawPod } from '@corral/cluster';
import { podView, smallCluster, TEST_OPTIONS } from '../testing/small-cluster.js';
import { requestCandidates, requestPodKey, unknownNamespaceOf } from './request-pod.js';

describe('unknownNamespaceOf', () => {
  const store = smallCluster();
  it.each([
    ['a namespace with a department', 'web-ns', undefined],
    ['a namespace without a department', 'sandbox', undefined],
    ['a system namespace in the snapshot', 'kube-system', undefined],
    ['a system namespace not in the snapshot', 'corral-system', undefined],
    ['a namespace not in the snapshot', 'brand-new', 'EXT_ERR_UNKNOWN_NAMESPACE'],
  ])('given %s, returns %s', (_what, namespace, code) => {
    expect(unknownNamespaceOf(podView(namespace, 'p'), store, TEST_OPTIONS)?.code).toBe(code);
  });

  it('given an unknown namespace, says which and that kube-scheduler retries', () => {
    expect(unknownNamespaceOf(podView('brand-new', 'p'), store, TEST_OPTIONS)?.message).toBe(
      "namespace brand-new is not in Corral's cache yet; kube-scheduler will retry",
    );
  });
});

describe('requestPodKey', () => {
  it.each([
    [rawPod('web-ns', 'a'), 'web-ns/a'],
    [{ metadata: { name: 'a' } }, undefined],
    [{ metadata: 'a' }, undefined],
    [{}, undefined],
  ])('given %j, returns %s', (raw, key) => {
    expect(requestPodKey(raw)).toBe(key);
  });
});

describe('requestCandidates', () => {
  const store = smallCluster();

  it('given names, looks each up in the snapshot (no view when unknown)', () => {
    const candidates = requestCandidates({ mode: 'names', names: ['shared-1', 'nope'] }, store, TEST_OPTIONS);
    expect(candidates.map((c) => [c.name, c.view?.name])).toEqual([
      ['shared-1', 'shared-1'],
      ['nope', undefined],
    ]);
  });

  it('given a Node object that cannot be read, gives it no view and says why without its name', () => {
    const bad = { metadata: { name: 'n-bad' }, status: { allocatable: { cpu: 'lots' } } };
    const items = [rawNode('n-ok'), bad];
    const [ok, unreadable] = requestCandidates(
      { mode: 'nodes', list: { metadata: {}, items }, names: ['n-ok', 'n-bad'] },
      store,
      TEST_OPTIONS,
    );
    expect(ok).toMatchObject({ name: 'n-ok', view: { name: 'n-ok' } });
    expect(ok).not.toHaveProperty('problem');
    expect(unreadable?.view).toBeUndefined();
    expect(unreadable?.problem).toMatch(/^\/status\/allocatable\/cpu: invalid quantity "lots"/);
    expect(unreadable?.problem).not.toContain('n-bad');
  });
});
