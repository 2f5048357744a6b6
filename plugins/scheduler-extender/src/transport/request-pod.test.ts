import { rawDepartment, rawNamespace, rawNode, rawPod } from '@corral/cluster';
import { DEPARTMENT_LABEL } from '@corral/policy';
import { smallCluster, TEST_OPTIONS } from '../testing/small-cluster.js';
import { requestCandidates, requestPodKey, unknownOwnerOf } from './request-pod.js';

describe('unknownOwnerOf', () => {
  const store = smallCluster();
  store.upsert('Namespace', rawNamespace('green-ns', { [DEPARTMENT_LABEL]: 'green' }), 'test');
  store.upsert('Namespace', rawNamespace('kube-public', { [DEPARTMENT_LABEL]: 'green' }), 'test');
  store.upsert('Namespace', rawNamespace('empty-label', { [DEPARTMENT_LABEL]: '' }), 'test');
  const options = {
    ...TEST_OPTIONS,
    systemNamespaces: new Set(['kube-system', 'corral-system', 'kube-public']),
  };
  it.each([
    ['a namespace with a department', 'web-ns', undefined],
    ['a namespace without a department', 'sandbox', undefined],
    ['a namespace with an empty department label', 'empty-label', undefined],
    ['a system namespace in the snapshot', 'kube-system', undefined],
    ['a system namespace not in the snapshot', 'corral-system', undefined],
    ['a system namespace labelled with an unknown department', 'kube-public', undefined],
    ['a namespace not in the snapshot', 'brand-new', 'EXT_ERR_UNKNOWN_NAMESPACE'],
    ['a namespace labelled with a department not in the snapshot', 'green-ns', 'EXT_ERR_UNKNOWN_DEPARTMENT'],
  ])('given %s, returns %s', (_what, namespace, code) => {
    expect(unknownOwnerOf(namespace, store, options)?.code).toBe(code);
  });

  it('given an unknown namespace, says which and that kube-scheduler retries', () => {
    expect(unknownOwnerOf('brand-new', store, TEST_OPTIONS)?.message).toBe(
      "namespace brand-new is not in Corral's cache yet; kube-scheduler will retry",
    );
  });

  it('given a label naming an unknown department, says which, where to look, and that it retries', () => {
    const message = unknownOwnerOf('green-ns', store, TEST_OPTIONS)?.message;
    expect(message).toContain('namespace green-ns is labelled corral.dev/department=green');
    expect(message).toContain('no valid Department green');
    expect(message).toContain('kube-scheduler will retry');
  });

  it('given the Department then delivered, or another department claiming the namespace, returns undefined', () => {
    const local = smallCluster();
    local.upsert('Namespace', rawNamespace('green-ns', { [DEPARTMENT_LABEL]: 'green', team: 'g' }), 'test');
    local.upsert('Namespace', rawNamespace('blue-ns', { [DEPARTMENT_LABEL]: 'blue', team: 'b' }), 'test');
    local.upsert('Department', rawDepartment('green'), 'test');
    local.upsert(
      'Department',
      rawDepartment('res2', { namespaceSelector: { matchLabels: { team: 'b' } } }),
      'test',
    );
    expect(unknownOwnerOf('green-ns', local, TEST_OPTIONS)).toBeUndefined();
    expect(local.departmentOfNamespace('blue-ns')).toBe('res2');
    expect(unknownOwnerOf('blue-ns', local, TEST_OPTIONS)).toBeUndefined();
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
