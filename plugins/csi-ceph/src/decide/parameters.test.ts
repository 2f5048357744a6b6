import {
  fingerprintFsType,
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
    ['a mount capability with xfs and no fstype parameter', {}, 'xfs', 'xfs'],
    [
      'a mount capability with xfs and the fstype parameter ext4',
      { 'csi.storage.k8s.io/fstype': 'ext4' },
      'xfs',
      'xfs',
    ],
    [
      'no fs_type in the capabilities and the fstype parameter xfs',
      { 'csi.storage.k8s.io/fstype': 'xfs' },
      undefined,
      'xfs',
    ],
    ['neither', {}, undefined, 'ext4'],
  ])('given %s, the filesystem is %s', (_label, extra, fromCaps, expected) => {
    const out = parseVolumeParams({ clusterID: 'c', pool: 'rbd', ...extra }, fromCaps);
    expect(out).toMatchObject({ status: 'pass', value: { fsType: expected } });
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
  const parsed = (params: Record<string, string>, fromCaps?: string): VolumeParams => {
    const out = parseVolumeParams({ clusterID: 'c', pool: 'rbd', ...params }, fromCaps);
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

  it('given the capabilities name xfs, records xfs and no longer matches a repeat naming ext4', () => {
    const stored = paramsFingerprint(parsed({}, 'xfs'));
    expect(fingerprintFsType(stored)).toBe('xfs');
    expect(fingerprintMatches(stored, parsed({}, 'xfs'))).toBe(true);
    expect(fingerprintMatches(stored, parsed({}, 'ext4'))).toBe(false);
    expect(fingerprintMatches(stored, parsed({}))).toBe(false);
    expect(fingerprintMatches(stored, parsed({ 'csi.storage.k8s.io/fstype': 'xfs' }))).toBe(true);
  });

  it('given a v2 record (before the capabilities counted), judges it on the fstype parameter as then', () => {
    // What the older driver wrote for a request with a mount capability xfs and no fstype parameter.
    const v2 = JSON.stringify(['v2', 'c', 'rbd', 'layering', 'ext4', 'csi-vol-', '', '']);
    expect(fingerprintFsType(v2)).toBeUndefined();
    expect(fingerprintMatches(v2, parsed({}, 'xfs'))).toBe(true);
    expect(fingerprintMatches(v2, parsed({ 'csi.storage.k8s.io/fstype': 'xfs' }, 'xfs'))).toBe(false);
  });

  it('given a v3 record of ext4, a repeat naming xfs only in the fstype parameter does not match', () => {
    const stored = paramsFingerprint(parsed({}, 'ext4'));
    expect(fingerprintMatches(stored, parsed({ 'csi.storage.k8s.io/fstype': 'xfs' }))).toBe(false);
  });
});
