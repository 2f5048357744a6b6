import type { Department } from '@corral/policy';
import { CSI_ERR } from '../errors.js';
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

describe('placeVolume for a namespace labelled for a department Corral does not serve', () => {
  const unserved: TenantView = {
    ...view(undefined),
    unservedDepartmentOf: (ns) => (ns === 'ghost-apps' ? 'ghost' : undefined),
  };

  it('given such a namespace, fails with UNKNOWN_DEPARTMENT naming the label and the fix', () => {
    const decision = placeVolume(params('ghost-apps'), 'def', unserved);
    expect(decision).toMatchObject({ status: 'fail', code: CSI_ERR.UNKNOWN_DEPARTMENT });
    const message = decision.status === 'fail' ? decision.message : '';
    expect(message).toContain('corral.dev/department=ghost');
    expect(message).toContain('restore the Department or relabel the namespace');
  });

  it('given a namespace of no department, or no PVC namespace, still places in the shared space', () => {
    expect(placeVolume(params('other'), 'def', unserved)).toMatchObject({
      status: 'pass',
      value: { pool: 'rbd', namespace: 'def' },
    });
    expect(placeVolume(params(), 'def', unserved)).toMatchObject({ status: 'pass' });
  });
});

describe('placeVolume with a cluster view that does not hold the PVC namespace yet', () => {
  const live: TenantView = {
    ...view(dept({ storage: { pool: 'p2', radosNamespace: 'finance' } })),
    holdsNamespace: (ns) => ns === 'fin-prod',
  };

  it('given a namespace the watch has not delivered, fails UNKNOWN_NAMESPACE (retried)', () => {
    const decision = placeVolume(params('new-apps'), 'def', live);
    expect(decision).toMatchObject({ status: 'fail', code: CSI_ERR.UNKNOWN_NAMESPACE });
    expect(decision.status === 'fail' && decision.message).toContain('namespace new-apps is not in');
  });

  it('given a namespace it holds, places as before', () => {
    expect(placeVolume(params('fin-prod'), 'def', live)).toMatchObject({
      status: 'pass',
      value: { pool: 'p2', namespace: 'finance', department: 'fin' },
    });
  });
});
