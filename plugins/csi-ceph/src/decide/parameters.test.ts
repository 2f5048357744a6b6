import {
  fingerprintMatches,
  paramsFingerprint,
  parseFeatures,
  parseVolumeParams,
  type VolumeParams,
} from './parameters.js';

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

describe('paramsFingerprint', () => {
  const parsed = (params: Record<string, string>): VolumeParams => {
    const out = parseVolumeParams({ clusterID: 'c', pool: 'rbd', ...params });
    if (out.status === 'fail') throw new Error(out.message);
    return out.value;
  };

  it.each([
    ['mkfsOptions', { mkfsOptions: '-m0' }],
    ['fstype', { 'csi.storage.k8s.io/fstype': 'xfs' }],
    ['imageFeatures', { imageFeatures: 'layering,exclusive-lock' }],
    ['volumeNamePrefix', { volumeNamePrefix: 'x-' }],
    ['pool', { pool: 'other' }],
    ['the PVC namespace', { 'csi.storage.k8s.io/pvc/namespace': 'team-a' }],
  ])('given another %s, no longer matches', (_label, other) => {
    expect(fingerprintMatches(paramsFingerprint(parsed({})), parsed(other))).toBe(false);
  });

  it('given the same parameters, or a record written before mkfsOptions counted, matches', () => {
    const p = parsed({ mkfsOptions: '-m0' });
    expect(fingerprintMatches(paramsFingerprint(parsed({ mkfsOptions: '-m0' })), p)).toBe(true);
    expect(fingerprintMatches('c|rbd|layering|ext4|csi-vol-|', p)).toBe(true);
    expect(fingerprintMatches('c|rbd|layering|xfs|csi-vol-|', p)).toBe(false);
  });
});
