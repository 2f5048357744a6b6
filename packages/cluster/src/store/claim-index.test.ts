import type { Department } from '@corral/policy';
import { ClaimIndex } from './claim-index.js';

function department(name: string, created: string, spec: Department['spec'] = {}): Department {
  return {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'Department',
    metadata: { name, creationTimestamp: created },
    spec,
  };
}
const byAge = (claimants: readonly Department[]) =>
  [...claimants].sort((a, b) =>
    (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
  )[0];
const label = (dept: string) => ({ 'corral.dev/department': dept });

describe('ClaimIndex', () => {
  it('given a namespace with the department label, gives it to the department', () => {
    const index = new ClaimIndex(byAge);
    index.setDepartment(department('a', '2024-01-01T00:00:00Z'));
    expect(index.setNamespace('ns1', label('a'))).toEqual([{ namespace: 'ns1', from: undefined, to: 'a' }]);
    expect(index.departmentOf('ns1')).toBe('a');
    expect([...index.namespacesOf('a')]).toEqual(['ns1']);
  });

  it('given a relabel, moves the namespace', () => {
    const index = new ClaimIndex(byAge);
    index.setDepartment(department('a', '2024-01-01T00:00:00Z'));
    index.setDepartment(department('b', '2024-01-02T00:00:00Z'));
    index.setNamespace('ns1', label('a'));
    expect(index.setNamespace('ns1', label('b'))).toEqual([{ namespace: 'ns1', from: 'a', to: 'b' }]);
    expect(index.setNamespace('ns1', label('b'))).toEqual([]);
    expect(index.namespacesOf('a').size).toBe(0);
  });

  it('given two claimants, the oldest wins and the other takes over when it goes', () => {
    const index = new ClaimIndex(byAge);
    index.setNamespace('ns1', { team: 'x' });
    const selector = { namespaceSelector: { matchLabels: { team: 'x' } } };
    expect(index.setDepartment(department('new', '2024-02-01T00:00:00Z', selector))).toHaveLength(1);
    expect(index.setDepartment(department('old', '2024-01-01T00:00:00Z', selector))).toEqual([
      { namespace: 'ns1', from: 'new', to: 'old' },
    ]);
    expect(index.removeDepartment('old')).toEqual([{ namespace: 'ns1', from: 'old', to: 'new' }]);
  });

  it('given a removed namespace, forgets its owner', () => {
    const index = new ClaimIndex(byAge);
    index.setDepartment(department('a', '2024-01-01T00:00:00Z'));
    index.setNamespace('ns1', label('a'));
    expect(index.removeNamespace('ns1')).toEqual([{ namespace: 'ns1', from: 'a', to: undefined }]);
    expect(index.departmentOf('ns1')).toBeUndefined();
  });
});
