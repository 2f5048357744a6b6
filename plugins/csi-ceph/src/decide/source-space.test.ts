import { CSI_ERR } from '../errors.js';
import { checkSourceDepartment, checkSourceSpace } from './source-space.js';
import { TENANT_DEPARTMENTS } from './__fixtures__/departments.js';

const DEPARTMENTS = new Map([...TENANT_DEPARTMENTS]);
const tenants = {
  department: (name: string) => DEPARTMENTS.get(name),
  storageSpaces: () => [
    { pool: 'rbd', namespace: 'alpha' },
    { pool: 'rbd', namespace: 'beta' },
  ],
};
const source = (pool: string, namespace: string, clusterID = 'c1') => ({
  kind: 'snapshot' as const,
  id: `s1.${clusterID}.${pool}.${namespace}.u`,
  ref: { clusterID, pool, namespace, uuid: 'u' },
});
const alphaSpace = { pool: 'rbd', namespace: 'alpha', department: 'alpha' };
const sharedSpace = { pool: 'rbd', namespace: '' };

describe('checkSourceSpace', () => {
  it.each([
    ["a source in the department's own space", source('rbd', 'alpha'), alphaSpace, 'pass'],
    ["another department's source", source('rbd', 'beta'), alphaSpace, 'fail'],
    ['a shared source for a department with its own space', source('rbd', ''), alphaSpace, 'fail'],
    ['a source in another pool, same namespace name', source('other', 'alpha'), alphaSpace, 'fail'],
    ['a shared source for a shared volume', source('rbd', ''), sharedSpace, 'pass'],
    ['a shared source in another pool for a shared volume', source('fast', ''), sharedSpace, 'pass'],
    ["a department's source for a shared volume", source('rbd', 'beta'), sharedSpace, 'fail'],
    [
      'a department without its own space: the shared space',
      source('rbd', ''),
      { ...sharedSpace, department: 'gamma' },
      'pass',
    ],
    [
      "a department without its own space: another department's source",
      source('rbd', 'alpha'),
      { ...sharedSpace, department: 'gamma' },
      'fail',
    ],
    ['a source on another cluster', source('rbd', 'alpha', 'c2'), alphaSpace, 'fail'],
  ] as const)('given %s, answers as the last column says', (_what, from, place, status) => {
    const decision = checkSourceSpace(from, place, 'c1', tenants);
    expect(decision.status).toBe(status);
    if (decision.status === 'fail') {
      expect(decision.code).toBe(CSI_ERR.NOT_FOUND);
      expect(decision.message).toContain(`source snapshot "${from.id}" does not exist`);
      expect(decision.message).not.toContain('department "beta"');
    }
  });

  it('given no tenants (a driver without policies), checks the cluster only', () => {
    expect(checkSourceSpace(source('rbd', 'x'), sharedSpace, 'c1', undefined).status).toBe('pass');
    expect(checkSourceSpace(source('rbd', 'x', 'c2'), sharedSpace, 'c1', undefined).status).toBe('fail');
  });
});

describe('checkSourceDepartment', () => {
  const snap = source('rbd', '');
  it.each([
    ["the department's own source", 'gamma', 'gamma', 'pass'],
    ['a source of no department, for a department', undefined, 'gamma', 'pass'],
    ['a source of no department, for no department', undefined, undefined, 'pass'],
    ["another department's source", 'delta', 'gamma', 'fail'],
    ["a department's source, for a volume of no department", 'delta', undefined, 'fail'],
  ] as const)('given %s, answers as the last column says', (_what, owner, department, status) => {
    const decision = checkSourceDepartment(snap, owner, { department }, true);
    expect(decision.status).toBe(status);
    if (decision.status === 'fail') {
      expect(decision.code).toBe(CSI_ERR.NOT_FOUND);
      expect(decision.message).toContain(`source snapshot "${snap.id}" does not exist`);
      expect(decision.message).not.toContain('delta');
    }
  });

  it('given no policies, passes whatever the source recorded', () => {
    expect(checkSourceDepartment(snap, 'delta', { department: undefined }, false).status).toBe('pass');
  });
});
