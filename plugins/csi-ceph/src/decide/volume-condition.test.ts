import { volumeCondition, type StageObservation } from './volume-condition.js';

const FS: StageObservation = {
  staging: '/s',
  record: { volumeId: 'v1.c.rbd..a', accessType: 'mount' },
  attach: { state: 'attached', device: '/dev/loop3' },
  fs: { options: 'rw,relatime', superOptions: 'rw' },
};
const BLOCK: StageObservation = { ...FS, record: { ...FS.record, accessType: 'block' }, fs: undefined };
const GONE = { state: 'broken', reason: 'the rbd-fuse daemon serving /s/fuse is gone (ENOTCONN)' } as const;

describe('volumeCondition', () => {
  it.each([
    ['a healthy filesystem stage', FS, /filesystem is mounted on \/dev\/loop3/],
    ['a healthy block stage', BLOCK, /attached as \/dev\/loop3/],
    [
      'a reader-only stage mounted ro',
      { ...FS, record: { ...FS.record, readOnly: true }, fs: { options: 'ro', superOptions: 'ro' } },
      /mounted/,
    ],
    [
      'a stage with an ro mount flag',
      { ...FS, record: { ...FS.record, mountFlags: ['ro'] }, fs: { options: 'ro', superOptions: 'ro' } },
      /mounted/,
    ],
  ] as const)('given %s, returns normal', (_label, obs, message) => {
    const condition = volumeCondition(obs);
    expect(condition.abnormal).toBe(false);
    expect(condition.message).toMatch(message);
  });

  it.each([
    [
      'a filesystem stage whose daemon is gone',
      { ...FS, attach: GONE },
      /rbd-fuse daemon .* is gone \(ENOTCONN\), so its device no longer reaches Ceph/,
    ],
    ['a block stage whose daemon is gone', { ...BLOCK, attach: GONE }, /is gone/],
    ['a block stage without a device', { ...BLOCK, attach: { state: 'detached' } }, /no device is attached/],
    ['a filesystem stage not mounted', { ...FS, fs: undefined }, /not mounted at \/s\/fs/],
    [
      'a read-write stage remounted ro',
      { ...FS, fs: { options: 'ro,relatime', superOptions: 'ro' } },
      /read-only \(ro\) although staged read-write/,
    ],
    [
      'a read-write stage in emergency ro',
      { ...FS, fs: { options: 'rw', superOptions: 'rw,abort,emergency_ro' } },
      /read-only \(emergency_ro\).*e2fsck/,
    ],
    [
      'a filesystem whose root answers EIO (xfs shut down)',
      { ...FS, fs: { ...FS.fs!, rootError: 'EIO' } },
      /filesystem at \/s\/fs has failed: a stat of it answers EIO .*its log replayed.*xfs_repair/,
    ],
    [
      'an ext4 shut down',
      { ...FS, fs: { options: 'rw', superOptions: 'rw,shutdown' } },
      /filesystem at \/s\/fs was shut down/,
    ],
    ['a stage whose usage failed', { ...FS, usageError: 'EIO' }, /measuring it failed \(EIO\)/],
  ] as const)('given %s, returns abnormal with what is wrong and what to do', (_label, obs, message) => {
    const condition = volumeCondition(obs);
    expect(condition.abnormal).toBe(true);
    expect(condition.message).toMatch(/^volume v1\.c\.rbd\.\.a staged at \/s: /);
    expect(condition.message).toMatch(message);
    expect(condition.message).toMatch(/restart the pods using it/);
  });

  it('given a gone daemon and a read-only filesystem, returns the daemon first (the cause)', () => {
    const obs = { ...FS, attach: GONE, fs: { options: 'rw', superOptions: 'rw,emergency_ro' } };
    expect(volumeCondition(obs).message).toMatch(/daemon/);
  });
});
