import type { Department } from '@corral/policy';
import { CSI_ERR } from '../errors.js';
import type { ClusterEntry } from './cluster-config.js';
import type { TenantView } from './placement.js';
import { capacityLeft, capacityTarget, dfPoolSpace, poolQuota, quotaCapped } from './capacity-pools.js';

const entry = (clusterID: string, pools: string[]): ClusterEntry => ({
  clusterID,
  monitors: ['127.0.0.1:3300'],
  radosNamespace: '',
  pools,
});
const clusters = new Map([
  ['one', entry('one', ['rbd', 'fast'])],
  ['two', entry('two', [])],
]);

describe('capacityTarget', () => {
  it.each([
    ['no parameters', {}, 'one', 'rbd'],
    ['a clusterID only', { clusterID: 'one' }, 'one', 'rbd'],
    ['a pool', { clusterID: 'one', pool: 'fast' }, 'one', 'fast'],
    ['a pool on a cluster with no rbd.pools', { clusterID: 'two', pool: 'x' }, 'two', 'x'],
  ])('given %s, returns the cluster and pool', (_label, params, clusterID, pool) => {
    const target = capacityTarget(params, clusters);
    expect(target.status === 'pass' && [target.value.cluster.clusterID, target.value.pool]).toEqual([
      clusterID,
      pool,
    ]);
  });

  it.each([
    ['an unknown clusterID', { clusterID: 'nope' }, CSI_ERR.UNKNOWN_CLUSTER],
    ['no pool and no rbd.pools', { clusterID: 'two' }, CSI_ERR.INVALID_ARGUMENT],
  ])('given %s, fails with the code', (_label, params, code) => {
    expect(capacityTarget(params, clusters)).toMatchObject({ status: 'fail', code });
  });

  it('given no clusters at all, fails UNKNOWN_CLUSTER', () => {
    expect(capacityTarget({}, new Map())).toMatchObject({ status: 'fail', code: CSI_ERR.UNKNOWN_CLUSTER });
  });
});

describe('capacityTarget with departments (the pool CreateVolume would place the image in)', () => {
  const PVC_NS = 'csi.storage.k8s.io/pvc/namespace';
  const department = (name: string, spec: Department['spec']) =>
    ({ apiVersion: 'corral.dev/v1alpha1', kind: 'Department', metadata: { name }, spec }) as Department;
  const departments = new Map([
    ['fin', department('fin', { storage: { pool: 'fin-pool', radosNamespace: 'fin' } })],
    ['ops', department('ops', {})],
  ]);
  const tenants: TenantView = {
    departmentOfNamespace: (ns) => ({ 'fin-prod': 'fin', 'ops-prod': 'ops' })[ns],
    department: (name) => departments.get(name),
    claimUsage: () => ({ used: new Map(), counted: false }),
  };
  const target = (params: Record<string, string>, withPolicies = true) => {
    const found = capacityTarget(params, clusters, withPolicies ? tenants : undefined);
    return found.status === 'pass' ? [found.value.pool, found.value.origin] : found;
  };

  it.each([
    [
      'the PVC namespace of a department with its own storage',
      { clusterID: 'one', pool: 'fast', [PVC_NS]: 'fin-prod' },
      ['fin-pool', 'spec.storage.pool of Department "fin"'],
    ],
    [
      'a department’s PVC namespace and no pool parameter',
      { clusterID: 'two', [PVC_NS]: 'fin-prod' },
      ['fin-pool', 'spec.storage.pool of Department "fin"'],
    ],
    [
      'the PVC namespace of a department without storage',
      { clusterID: 'one', pool: 'fast', [PVC_NS]: 'ops-prod' },
      ['fast', 'the StorageClass parameter "pool"'],
    ],
    [
      'a PVC namespace of no department',
      { clusterID: 'one', [PVC_NS]: 'other' },
      ['rbd', 'rbd.pools of cluster "one" in the cluster config'],
    ],
  ])('given %s, returns that pool and where it was named', (_label, params, expected) => {
    expect(target(params)).toEqual(expected);
  });

  it('given a department’s PVC namespace but no policies (no tenant view), returns the parameter’s pool', () => {
    expect(target({ pool: 'fast', [PVC_NS]: 'fin-prod' }, false)).toEqual([
      'fast',
      'the StorageClass parameter "pool"',
    ]);
  });

  it('given a pool df does not list, names where it was named in the message', () => {
    const df = JSON.stringify({ pools: [{ name: 'rbd', stats: { max_avail: 1 } }] });
    expect(dfPoolSpace(df, 'fin-pool', 'spec.storage.pool of Department "fin"')).toMatchObject({
      status: 'fail',
      code: CSI_ERR.INVALID_ARGUMENT,
      message: expect.stringContaining('check spec.storage.pool of Department "fin"'),
    });
  });
});

describe('quotaCapped', () => {
  it.each([
    ['no quota', 1000n, 0n, 5000n, 1000n],
    ['a quota leaving more than max_avail', 1000n, 10_000n, 5000n, 1000n],
    ['a quota leaving less than max_avail', 1000n, 5500n, 5000n, 500n],
    ['a quota exactly used up', 1000n, 5000n, 5000n, 0n],
    ['a pool past its quota', 1000n, 4000n, 5000n, 0n],
    ['a full pool under a quota', 0n, 10_000n, 5000n, 0n],
  ])(
    'given %s, returns the smaller of max_avail and what the quota leaves',
    (_l, avail, quota, stored, out) => {
      expect(quotaCapped(avail, quota, stored)).toBe(out);
    },
  );
});

describe('dfPoolSpace', () => {
  const df = JSON.stringify({
    stats: { total_avail_bytes: 10_000 },
    pools: [
      { name: 'rbd', id: 1, stats: { max_avail: 4321.0, stored: 5 } },
      { name: 'full', id: 2, stats: { max_avail: 0 } },
      { name: 'broken', id: 3, stats: {} },
      { name: 'quota', id: 4, stats: { max_avail: 4321, quota_bytes: 1000, stored: 400 } },
      { name: 'noquota', id: 5, stats: { max_avail: 4321, quota_bytes: 0, stored: 400 } },
      { name: 'badquota', id: 9, stats: { max_avail: 4321, quota_bytes: 'x', stored: 1 } },
      { name: 'objects', id: 10, stats: { max_avail: 4321, quota_bytes: 0, quota_objects: 50 } },
      { name: 'badobjects', id: 11, stats: { max_avail: 4321, quota_objects: null } },
    ],
  });

  it.each([
    ['a pool (plain df: no quota fields)', 'rbd', 4321n, false],
    ['a full pool', 'full', 0n, false],
    ['a pool with a byte quota', 'quota', 4321n, true],
    ['a pool with quota 0 (none)', 'noquota', 4321n, false],
    ['a pool with an object-count quota only', 'objects', 4321n, true],
  ])('given %s, returns its max_avail and whether it has a quota', (_label, pool, maxAvail, hasQuota) => {
    expect(dfPoolSpace(df, pool)).toEqual({
      status: 'pass',
      rule: 'pool-capacity',
      value: { maxAvail, hasQuota },
    });
  });

  it.each([
    ['an unknown pool', df, 'nope', CSI_ERR.INVALID_ARGUMENT],
    ['a pool without max_avail', df, 'broken', CSI_ERR.CEPH],
    ['a quota that is not a number', df, 'badquota', CSI_ERR.CEPH],
    ['an object quota that is not a number', df, 'badobjects', CSI_ERR.CEPH],
    ['output that is not JSON', 'oops', 'rbd', CSI_ERR.CEPH],
    ['output without pools', '{}', 'rbd', CSI_ERR.CEPH],
    ['output that is JSON but not an object', '7', 'rbd', CSI_ERR.CEPH],
  ])('given %s, fails with the code', (_label, text, pool, code) => {
    expect(dfPoolSpace(text, pool)).toMatchObject({ status: 'fail', code });
  });
});

describe('poolQuota', () => {
  it('given get-quota output, returns the byte quota and the bytes it counts', () => {
    const answer = JSON.stringify({
      pool_name: 'q',
      pool_id: 3,
      quota_max_objects: 0,
      current_num_objects: 2,
      quota_max_bytes: 100_000_000,
      current_num_bytes: 7_204_304,
    });
    expect(poolQuota(answer, 'q')).toEqual({
      status: 'pass',
      rule: 'pool-capacity',
      value: { quotaBytes: 100_000_000n, usedBytes: 7_204_304n, quotaObjects: 0n, usedObjects: 2n },
    });
  });

  it.each([
    ['output that is not JSON', 'oops'],
    ['no current_num_bytes', JSON.stringify({ quota_max_bytes: 10 })],
    ['no object counts', JSON.stringify({ quota_max_bytes: 10, current_num_bytes: 1 })],
    ['a quota that is not a number', JSON.stringify({ quota_max_bytes: '10', current_num_bytes: 1 })],
  ])('given %s, fails CEPH naming the pool', (_label, text) => {
    expect(poolQuota(text, 'q')).toMatchObject({ status: 'fail', code: CSI_ERR.CEPH });
    expect(poolQuota(text, 'q')).toMatchObject({ message: expect.stringContaining('"q"') });
  });
});

describe('capacityLeft', () => {
  const quota = (bytes: bigint, used: bigint, objects: bigint, usedObjects: bigint) => ({
    quotaBytes: bytes,
    usedBytes: used,
    quotaObjects: objects,
    usedObjects,
  });
  const MIB4 = 4n * 1024n * 1024n;
  const AVAIL = 1000n * MIB4;
  it.each([
    ['no quotas', quota(0n, 5000n, 0n, 9n), AVAIL],
    ['a byte quota leaving less', quota(5500n, 5000n, 0n, 9n), 500n],
    ['an object quota leaving room for 3 data objects', quota(0n, 5000n, 20n, 12n), 3n * MIB4],
    ['an object quota with room for more than max_avail', quota(0n, 5000n, 10_000n, 9n), AVAIL],
    ['both quotas, the byte one leaving less', quota(5500n, 5000n, 20n, 12n), 500n],
    ['an object quota with room only for a new image, no data', quota(0n, 5000n, 10n, 5n), 0n],
    ['an object quota reached', quota(0n, 5000n, 10n, 10n), 0n],
    ['an object quota passed', quota(10_000n, 5000n, 10n, 12n), 0n],
  ])('given %s, returns what the pool can still take', (_label, q, out) => {
    expect(capacityLeft(AVAIL, q)).toBe(out);
  });
});

describe('capacityTarget for a namespace labelled for a department Corral does not serve', () => {
  it('given such a PVC namespace, fails UNKNOWN_DEPARTMENT as CreateVolume does', () => {
    const tenants: TenantView = {
      departmentOfNamespace: () => undefined,
      unservedDepartmentOf: (ns) => (ns === 'ghost-apps' ? 'ghost' : undefined),
      department: () => undefined,
      claimUsage: () => ({ used: new Map(), counted: false }),
    };
    const params = { 'csi.storage.k8s.io/pvc/namespace': 'ghost-apps' };
    expect(capacityTarget(params, clusters, tenants)).toMatchObject({
      status: 'fail',
      code: CSI_ERR.UNKNOWN_DEPARTMENT,
    });
  });
});
