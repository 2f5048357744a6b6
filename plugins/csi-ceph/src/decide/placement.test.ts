import type { Department } from '@corral/policy';
import { placeVolume, type TenantView } from './placement.js';
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

function view(d: Department | undefined): TenantView {
  return {
    departmentOfNamespace: (ns) => (ns === 'fin-prod' ? 'fin' : undefined),
    department: () => d,
    claimUsage: () => ({ used: new Map(), counted: false }),
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
