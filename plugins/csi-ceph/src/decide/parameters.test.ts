import { parseFeatures, parseVolumeParams } from './parameters.js';

describe('parseVolumeParams', () => {
  it('given a ceph-csi StorageClass, returns typed parameters with defaults', () => {
    const out = parseVolumeParams({ clusterID: 'c', pool: 'rbd', imageFeatures: 'layering,exclusive-lock' });
    expect(out).toMatchObject({
      status: 'pass',
      value: { clusterID: 'c', pool: 'rbd', features: 5n, fsType: 'ext4', volumeNamePrefix: 'csi-vol-' },
    });
  });

  it.each([
    ['no clusterID', { pool: 'rbd' }, /clusterID/],
    ['no pool', { clusterID: 'c' }, /pool/],
    ['a bad fstype', { clusterID: 'c', pool: 'p', 'csi.storage.k8s.io/fstype': 'ntfs' }, /ext4 or xfs/],
    ['a bad prefix', { clusterID: 'c', pool: 'p', volumeNamePrefix: 'a/b' }, /volumeNamePrefix/],
  ])('given %s, fails naming the parameter', (_label, params, message) => {
    const out = parseVolumeParams(params);
    expect(out.status).toBe('fail');
    if (out.status === 'fail') expect(out.message).toMatch(message);
  });

  it.each([
    ['object-map without exclusive-lock', 'layering,object-map', /needs "exclusive-lock"/],
    ['an unknown feature', 'layering,journaling2', /unknown feature/],
  ])('given %s, fails', (_label, text, message) => {
    const out = parseFeatures(text);
    expect(out.status).toBe('fail');
    if (out.status === 'fail') expect(out.message).toMatch(message);
  });
});
