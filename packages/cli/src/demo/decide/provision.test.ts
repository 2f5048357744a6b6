import { describe, expect, it } from 'vitest';
import { claimBytes, createVolumeRequest } from './provision.js';

const storageClass = {
  kind: 'StorageClass',
  provisioner: 'rbd.csi.corral.dev',
  parameters: {
    clusterID: 'local-ceph',
    pool: 'rbd',
    imageFeatures: 'layering',
    'csi.storage.k8s.io/fstype': 'xfs',
    'csi.storage.k8s.io/provisioner-secret-name': 'corral-csi-rbd',
  },
};
const claim = (storage: unknown, accessModes = ['ReadWriteOnce']) => ({
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'finance-prod' },
  spec: { accessModes, storageClassName: 'corral-rbd', resources: { requests: { storage } } },
});

describe('createVolumeRequest', () => {
  it('given a claim of the class, writes what the external-provisioner sends with --extra-create-metadata', () => {
    expect(createVolumeRequest(storageClass, claim('256Mi'), 'abc', { userID: 'csi', userKey: 'k' })).toEqual(
      {
        name: 'pvc-abc',
        capacity_range: { required_bytes: String(256 * 1024 * 1024) },
        volume_capabilities: [{ mount: { fs_type: 'xfs' }, access_mode: { mode: 'SINGLE_NODE_WRITER' } }],
        parameters: {
          clusterID: 'local-ceph',
          pool: 'rbd',
          imageFeatures: 'layering',
          'csi.storage.k8s.io/pvc/name': 'data',
          'csi.storage.k8s.io/pvc/namespace': 'finance-prod',
          'csi.storage.k8s.io/pv/name': 'pvc-abc',
        },
        secrets: { userID: 'csi', userKey: 'k' },
      },
    );
  });

  it('given ReadWriteMany, asks for a multi-node writer', () => {
    const request = createVolumeRequest(storageClass, claim('1Gi', ['ReadWriteMany']), 'x', {});
    expect(request.volume_capabilities[0]?.access_mode.mode).toBe('MULTI_NODE_MULTI_WRITER');
  });
});

describe('claimBytes', () => {
  it('given 1Gi and 500M, returns bytes', () => {
    expect(claimBytes(claim('1Gi'))).toBe(1073741824n);
    expect(claimBytes(claim('500M'))).toBe(500_000_000n);
  });
  it.each([[undefined], ['lots'], [{}]])('given %j, throws naming the field', (storage) => {
    expect(() => claimBytes(claim(storage))).toThrow(/spec.resources.requests.storage/);
  });
});
