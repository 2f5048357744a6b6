import { rawDepartment, rawNamespace, rawPod } from '../testing/raw-objects.js';
import { formatUsage } from '../usage/format-usage.js';
import { ClaimIndex } from './claim-index.js';
import { SnapshotStore } from './snapshot-store.js';

const T1 = '2024-01-01T00:00:00Z';
const byName = { 'kubernetes.io/metadata.name': 'kube-system' };

/** kube-system holding two pods on n1, labelled and selected as `labels` and `spec` say. */
function storeWith(labels: Record<string, string>, spec: Record<string, unknown>, options = {}) {
  const store = new SnapshotStore(options);
  store.upsert('Department', rawDepartment('ops', spec, T1), 'test');
  store.upsert('Namespace', rawNamespace('kube-system', { ...byName, ...labels }), 'test');
  for (const name of ['coredns', 'metrics-server'])
    store.upsert('Pod', rawPod('kube-system', name, { nodeName: 'n1', requests: { cpu: '1' } }), 'test');
  return store;
}

describe('system namespaces are never any department’s', () => {
  it.each([
    ['labelled for the department', { 'corral.dev/department': 'ops' }, {}],
    ['selected by name', {}, { namespaceSelector: { matchLabels: byName } }],
    ['selected by another label', { team: 'ops' }, { namespaceSelector: { matchLabels: { team: 'ops' } } }],
  ])('given kube-system %s, counts its pods for no department', (_, labels, spec) => {
    const store = storeWith(labels, spec);
    expect(store.departmentOfNamespace('kube-system')).toBeUndefined();
    expect(store.isolationDepartmentOfNamespace('kube-system')).toBeUndefined();
    expect([...store.namespacesOfDepartment('ops')]).toEqual([]);
    expect(formatUsage(store.usageOfDepartment('ops'))).toEqual({});
    expect(store.departmentsOnNode('n1').size).toBe(0);
    expect(formatUsage(store.usageOfNamespace('kube-system'))).toMatchObject({ pods: '2' });
  });

  it('given a configured list, excludes those namespaces only', () => {
    const store = storeWith({ 'corral.dev/department': 'ops' }, {}, { systemNamespaces: ['corral'] });
    expect(store.departmentOfNamespace('kube-system')).toBe('ops');
    expect(formatUsage(store.usageOfDepartment('ops'))).toMatchObject({ pods: '2' });
  });

  it('given kube-system labelled for a department no Department serves, holds no node for it', () => {
    const store = storeWith({ 'corral.dev/department': 'ghost' }, {});
    expect(store.isolationDepartmentOfNamespace('kube-system')).toBeUndefined();
    expect(store.departmentsOnNode('n1').size).toBe(0);
  });
});

describe('ClaimIndex: system namespaces', () => {
  const ops = {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'Department',
    metadata: { name: 'ops', creationTimestamp: T1 },
    spec: {},
  } as const;
  const label = { 'corral.dev/department': 'ops' };

  it.each([
    [
      'namespace first',
      (index: ClaimIndex) => [index.setNamespace('kube-system', label), index.setDepartment(ops)],
    ],
    [
      'department first',
      (index: ClaimIndex) => [index.setDepartment(ops), index.setNamespace('kube-system', label)],
    ],
  ])('given %s, never moves a system namespace into a department', (_, steps) => {
    const index = new ClaimIndex(([first]) => first, new Set(['kube-system']));
    expect(steps(index).flat()).toEqual([]);
    expect(index.departmentOf('kube-system')).toBeUndefined();
    expect(index.namespacesOf('ops').size).toBe(0);
    expect(index.setNamespace('ns1', label)).toHaveLength(1);
    expect(index.departmentOf('ns1')).toBe('ops');
  });
});
