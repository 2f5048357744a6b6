import { filesystemFailure, readOnlyFlag, stagedReadOnly } from './filesystem-failure.js';

const RW = { options: 'rw,relatime', superOptions: 'rw,inode64' };
const WRITER = { readOnly: false, mountFlags: [] };

describe('filesystemFailure', () => {
  it.each([
    ['a healthy read-write filesystem', RW, WRITER],
    ['a read-only stage mounted ro', { options: 'ro', superOptions: 'ro,norecovery' }, { readOnly: true }],
    ['a stage with an ro mount flag', { options: 'ro', superOptions: 'ro' }, { mountFlags: ['ro'] }],
    ['errors=remount-ro not triggered', { options: 'rw', superOptions: 'rw,errors=remount-ro' }, WRITER],
  ])('given %s, returns undefined', (_label, fs, record) => {
    expect(filesystemFailure(fs, '/s/fs', record)).toBeUndefined();
  });

  it.each([
    [
      'a root that answers EIO (xfs shut down)',
      { ...RW, rootError: 'EIO' },
      /has failed: a stat of it answers EIO/,
    ],
    [
      'a root that answers EIO on a read-only stage',
      { ...RW, rootError: 'EIO' },
      /answers EIO/,
      { readOnly: true },
    ],
    ['ext4 `shutdown`', { options: 'rw', superOptions: 'rw,shutdown' }, /was shut down \(ext4 `shutdown`/],
    [
      'ext4 emergency_ro',
      { options: 'rw', superOptions: 'rw,errors=remount-ro,emergency_ro' },
      /read-only \(emergency_ro\) although staged read-write/,
    ],
    ['a read-write stage remounted ro', { options: 'ro,relatime', superOptions: 'ro' }, /read-only \(ro\)/],
  ])(
    'given %s, returns what is wrong and that nothing repairs it',
    (_label, fs, what, record: object = WRITER) => {
      const failure = filesystemFailure(fs, '/s/fs', record);
      expect(failure?.what).toMatch(/^its filesystem at \/s\/fs /);
      expect(failure?.what).toMatch(what);
      expect(failure?.hint).toMatch(/xfs_repair or e2fsck .* nothing repairs it automatically/);
    },
  );

  it('given a root error and a shutdown flag, returns the stat failure first', () => {
    const failure = filesystemFailure(
      { options: 'rw', superOptions: 'shutdown', rootError: 'EIO' },
      '/f',
      WRITER,
    );
    expect(failure?.what).toMatch(/answers EIO/);
  });
});

describe('readOnlyFlag', () => {
  it.each([
    ['rw,relatime', 'rw', undefined],
    ['ro,relatime', 'rw', 'ro'],
    ['rw', 'ro', 'ro'],
    ['rw', 'rw,errors=remount-ro,emergency_ro', 'emergency_ro'],
  ])('given options %s and super options %s, returns %s', (options, superOptions, expected) => {
    expect(readOnlyFlag({ options, superOptions })).toBe(expected);
  });
});

describe('stagedReadOnly', () => {
  it.each([
    [{}, false],
    [{ readOnly: true }, true],
    [{ mountFlags: ['noatime', 'ro'] }, true],
    [{ readOnly: false, mountFlags: ['rw'] }, false],
  ])('given %j, returns %s', (record, expected) => {
    expect(stagedReadOnly(record)).toBe(expected);
  });
});
