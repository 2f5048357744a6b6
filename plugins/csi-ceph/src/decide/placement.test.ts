import type { Department } from '@corral/policy';
import { checkStorageQuota, placeVolume, type TenantView } from './placement.js';
import type { VolumeParams } from './parameters.js';

const params = (ns?: string): VolumeParams => ({
  clusterID: 'c',
  pool: 'rbd',
  features: 1n,
  featureNames: ['layering'],
  fsType: 'ext4',
  parameterFsType: 'ext4',
  volumeNamePrefix: 'csi-vol-',
  mkfsOptions: '',
  ...(ns ? { pvcNamespace: ns, pvcName: 'data' } : {}),
});

const dept = (spec: Department['spec']): Department =>
  ({ apiVersion: 'corral.dev/v1alpha1', kind: 'Department', metadata: { name: 'fin' }, spec }) as Department;

function view(d: Department | undefined, usedBytes = 0n, counted = false): TenantView {
  return {
    departmentOfNamespace: (ns) => (ns === 'fin-prod' ? 'fin' : undefined),
    department: () => d,
    storageUsed: () => ({ bytes: usedBytes, counted }),
  };
}

describe('placeVolume', () => {
  it.each([
    [
      'no PVC namespace',
      params(),
      view(dept({ storage: { pool: 'p2', radosNamespace: 'fin' } })),
      { pool: 'rbd', namespace: 'def' },
    ],
    ['a namespace of no department', params('other'), view(undefined), { pool: 'rbd', namespace: 'def' }],
    [
      'a department with storage',
      params('fin-prod'),
      view(dept({ storage: { pool: 'p2', radosNamespace: 'finance' } })),
      { pool: 'p2', namespace: 'finance', department: 'fin' },
    ],
    [
      'a department without storage',
      params('fin-prod'),
      view(dept({})),
      { pool: 'rbd', namespace: 'def', department: 'fin' },
    ],
  ])('given %s, returns the placement', (_label, p, tenants, expected) => {
    expect(placeVolume(p, 'def', tenants)).toMatchObject({ status: 'pass', value: expected });
  });
});

describe('checkStorageQuota', () => {
  const quota = dept({ quota: { hard: { 'requests.storage': '1Gi' } } });
  const GI = 1n << 30n;
  it.each([
    ['room left', view(quota, GI / 2n), GI / 4n, 'pass'],
    ['exactly full', view(quota, GI / 2n), GI / 2n, 'pass'],
    ['over the quota', view(quota, GI / 2n), GI, 'fail'],
    ['the claim already counted', view(quota, GI, true), GI, 'pass'],
    ['no quota', view(dept({})), 10n * GI, 'pass'],
  ])('given %s, returns %s', (_label, tenants, bytes, verdict) => {
    expect(checkStorageQuota('fin', bytes, params('fin-prod'), tenants).status).toBe(verdict);
  });

  it('given an excess, tells the tenant what to do', () => {
    const out = checkStorageQuota('fin', 2n * GI, params('fin-prod'), view(quota));
    expect(out).toMatchObject({ status: 'fail', code: 'CSI_ERR_QUOTA_EXCEEDED' });
    if (out.status === 'fail') expect(out.message).toMatch(/raise the quota/);
  });

  it("given an excess, words both amounts in the quota's unit", () => {
    const out = checkStorageQuota('fin', GI + GI / 4n, params('fin-prod'), view(quota, GI / 2n));
    expect(out.status === 'fail' && out.message).toContain(
      'would use 1.75Gi of storage, over its requests.storage quota of 1Gi',
    );
  });
});
