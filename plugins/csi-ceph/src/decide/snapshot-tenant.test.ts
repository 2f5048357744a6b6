import { CSI_ERR } from '../errors.js';
import type { TenantView } from './placement.js';
import { checkSnapshotTenant, SNAPSHOT_NAMESPACE_PARAM } from './snapshot-tenant.js';
import { department, TENANT_DEPARTMENTS } from './__fixtures__/departments.js';

const DEPARTMENTS = new Map([...TENANT_DEPARTMENTS, ['delta', department('delta')]]);
const NAMESPACES = new Map([
  ['alpha-apps', 'alpha'],
  ['beta-apps', 'beta'],
  ['gamma-apps', 'gamma'],
  ['delta-apps', 'delta'],
]);

const tenants: TenantView = {
  departmentOfNamespace: (ns) => NAMESPACES.get(ns),
  unservedDepartmentOf: (ns) => (ns === 'ghost-apps' ? 'ghost' : undefined),
  holdsNamespace: (ns) => ns !== 'late-apps',
  department: (name) => DEPARTMENTS.get(name),
  claimUsage: () => ({ used: new Map(), counted: false }),
  storageSpaces: () => [
    { pool: 'rbd', namespace: 'alpha' },
    { pool: 'rbd', namespace: 'beta' },
  ],
};

const volume = (namespace: string, dept?: string, pool = 'rbd') => ({
  id: `v1.c1.${pool}.${namespace}.u`,
  ref: { clusterID: 'c1', pool, namespace, uuid: 'u' },
  department: dept,
});
const from = (namespace: string) => ({ [SNAPSHOT_NAMESPACE_PARAM]: namespace });

describe('checkSnapshotTenant', () => {
  it.each([
    ["alpha's volume, from alpha's namespace", volume('alpha', 'alpha'), from('alpha-apps'), 'pass'],
    ["beta's volume, from alpha's namespace", volume('beta', 'beta'), from('alpha-apps'), 'fail'],
    ["alpha's volume, from a namespace of no department", volume('alpha', 'alpha'), from('default'), 'fail'],
    ['a shared volume, from alpha (own storage)', volume('', undefined), from('alpha-apps'), 'fail'],
    [
      'a shared volume of no department, from a namespace of none',
      volume('', undefined),
      from('default'),
      'pass',
    ],
    [
      'a shared volume of no department, from gamma (shared space)',
      volume('', undefined),
      from('gamma-apps'),
      'pass',
    ],
    ["gamma's volume, from gamma's namespace", volume('', 'gamma'), from('gamma-apps'), 'pass'],
    [
      "gamma's volume, from delta's namespace (both shared space)",
      volume('', 'gamma'),
      from('delta-apps'),
      'fail',
    ],
    ["gamma's volume, from a namespace of no department", volume('', 'gamma'), from('default'), 'fail'],
    [
      "alpha's space in another pool, from alpha",
      volume('alpha', 'alpha', 'fast'),
      from('alpha-apps'),
      'fail',
    ],
  ] as const)('given %s, answers %s', (_what, source, parameters, status) => {
    const decision = checkSnapshotTenant(parameters, source, '', tenants);
    expect(decision.status).toBe(status);
    if (decision.status === 'fail') {
      expect(decision.code).toBe(CSI_ERR.NOT_FOUND);
      expect(decision.message).toContain(`source volume "${source.id}" does not exist`);
      // Names no other tenant: never the source's department.
      if (source.department && source.department !== 'alpha')
        expect(decision.message).not.toContain(`"${source.department}"`);
    }
  });

  it('given no VolumeSnapshot namespace, or no policies, compares nothing', () => {
    expect(checkSnapshotTenant({}, volume('beta', 'beta'), '', tenants).status).toBe('pass');
    expect(checkSnapshotTenant(from('alpha-apps'), volume('beta', 'beta'), '', undefined).status).toBe(
      'pass',
    );
  });

  it('given a namespace labelled for a department Corral does not serve, answers FAILED_PRECONDITION', () => {
    const decision = checkSnapshotTenant(from('ghost-apps'), volume('', undefined), '', tenants);
    expect(decision).toMatchObject({ status: 'fail', code: CSI_ERR.UNKNOWN_DEPARTMENT });
  });

  it('given a namespace the watch has not delivered yet, answers UNAVAILABLE (retried)', () => {
    const decision = checkSnapshotTenant(from('late-apps'), volume('', undefined), '', tenants);
    expect(decision).toMatchObject({ status: 'fail', code: CSI_ERR.UNKNOWN_NAMESPACE });
  });
});
