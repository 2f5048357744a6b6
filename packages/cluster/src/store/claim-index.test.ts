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
/** A move of owner, and of isolation department alike. */
const move = (namespace: string, from: string | undefined, to: string | undefined) => ({
  namespace,
  from,
  to,
  isolationFrom: from,
  isolationTo: to,
});

describe('ClaimIndex', () => {
  it('given a namespace with the department label, gives it to the department', () => {
    const index = new ClaimIndex(byAge);
    index.setDepartment(department('a', '2024-01-01T00:00:00Z'));
    expect(index.setNamespace('ns1', label('a'))).toEqual([move('ns1', undefined, 'a')]);
    expect(index.departmentOf('ns1')).toBe('a');
    expect([...index.namespacesOf('a')]).toEqual(['ns1']);
  });

  it('given a relabel, moves the namespace', () => {
    const index = new ClaimIndex(byAge);
    index.setDepartment(department('a', '2024-01-01T00:00:00Z'));
    index.setDepartment(department('b', '2024-01-02T00:00:00Z'));
    index.setNamespace('ns1', label('a'));
    expect(index.setNamespace('ns1', label('b'))).toEqual([move('ns1', 'a', 'b')]);
    expect(index.setNamespace('ns1', label('b'))).toEqual([]);
    expect(index.namespacesOf('a').size).toBe(0);
  });

  it('given two claimants, the oldest wins and the other takes over when it goes', () => {
    const index = new ClaimIndex(byAge);
    index.setNamespace('ns1', { team: 'x' });
    const selector = { namespaceSelector: { matchLabels: { team: 'x' } } };
    expect(index.setDepartment(department('new', '2024-02-01T00:00:00Z', selector))).toHaveLength(1);
    expect(index.setDepartment(department('old', '2024-01-01T00:00:00Z', selector))).toEqual([
      move('ns1', 'new', 'old'),
    ]);
    expect(index.removeDepartment('old')).toEqual([move('ns1', 'old', 'new')]);
  });

  it('given a removed namespace, forgets its owner', () => {
    const index = new ClaimIndex(byAge);
    index.setDepartment(department('a', '2024-01-01T00:00:00Z'));
    index.setNamespace('ns1', label('a'));
    expect(index.removeNamespace('ns1')).toEqual([move('ns1', 'a', undefined)]);
    expect(index.departmentOf('ns1')).toBeUndefined();
  });

  it('given a namespace labelled for a department with no served Department, keeps it that one for isolation only', () => {
    const index = new ClaimIndex(byAge);
    const orphan = (from: string | undefined, to: string | undefined) => ({
      ...move('ns1', undefined, undefined),
      isolationFrom: from,
      isolationTo: to,
    });
    expect(index.setNamespace('ns1', label('a'))).toEqual([orphan(undefined, 'a')]);
    expect([index.departmentOf('ns1'), index.isolationDepartmentOf('ns1')]).toEqual([undefined, 'a']);
    expect(index.setDepartment(department('a', '2024-01-01T00:00:00Z'))).toEqual([
      { ...move('ns1', undefined, 'a'), isolationFrom: 'a' },
    ]);
    expect(index.removeDepartment('a')).toEqual([{ ...move('ns1', 'a', undefined), isolationTo: 'a' }]);
    expect(index.setNamespace('ns1', label('b'))).toEqual([orphan('a', 'b')]);
    expect(index.setNamespace('ns1', {})).toEqual([orphan('b', undefined)]);
    expect(index.setNamespace('ns1', label('c'))).toEqual([orphan(undefined, 'c')]);
    expect(index.removeNamespace('ns1')).toEqual([orphan('c', undefined)]);
  });

  it("given a served Department of the label's name that does not claim the namespace, gives it none", () => {
    const index = new ClaimIndex(byAge);
    index.setNamespace('ns1', label('a'));
    const selector = { namespaceSelector: { matchLabels: { team: 'x' } } };
    expect(index.setDepartment(department('a', '2024-01-01T00:00:00Z', selector))).toEqual([
      { ...move('ns1', undefined, undefined), isolationFrom: 'a' },
    ]);
    expect(index.isolationDepartmentOf('ns1')).toBeUndefined();
    expect(index.removeDepartment('a')).toEqual([{ ...move('ns1', undefined, undefined), isolationTo: 'a' }]);
  });
});
