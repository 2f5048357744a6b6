import { mkfsArgs, parseMountInfo, publishIntentFile, stageLayout } from './node-layout.js';

describe('node layout', () => {
  it('given a staging path, returns the record, fuse and fs paths under it', () => {
    expect(stageLayout('/s')).toEqual({
      record: '/s/corral-volume.json',
      fuseDir: '/s/fuse',
      fsDir: '/s/fs',
      publishingDir: '/s/publishing',
    });
  });

  it.each([
    [
      'ext4 defaults',
      'ext4',
      '',
      ['-m0', '-Enodiscard,lazy_itable_init=1,lazy_journal_init=1', '/dev/loop0'],
    ],
    ['xfs defaults', 'xfs', '', ['-K', '/dev/loop0']],
    ['given options', 'ext4', ' -b 4096  -L data ', ['-b', '4096', '-L', 'data', '/dev/loop0']],
  ])('given %s, returns the mkfs arguments', (_label, fs, options, args) => {
    expect(mkfsArgs(fs, options, '/dev/loop0')).toEqual(args);
  });

  it('given mountinfo lines with escaped spaces, returns mount points', () => {
    const text =
      '42 27 0:39 / /tmp/a\\040b rw,relatime - fuse.rbd-fuse rbd-fuse rw\n' +
      '43 27 7:0 / /tmp/fs rw shared:1 - ext4 /dev/loop0 rw,emergency_ro\n';
    expect(parseMountInfo(text)).toEqual([
      {
        mountPoint: '/tmp/a b',
        device: '0:39',
        root: '/',
        source: 'rbd-fuse',
        fsType: 'fuse.rbd-fuse',
        options: 'rw,relatime',
        superOptions: 'rw',
      },
      {
        mountPoint: '/tmp/fs',
        device: '7:0',
        root: '/',
        source: '/dev/loop0',
        fsType: 'ext4',
        options: 'rw',
        superOptions: 'rw,emergency_ro',
      },
    ]);
  });

  it('given a staging path and targets, returns one publish intent file per target under publishing/', () => {
    const [a, b] = [publishIntentFile('/s', '/pods/a/mount'), publishIntentFile('/s', '/pods/b/mount')];
    expect(a).toMatch(/^\/s\/publishing\/[0-9a-f]{32}$/);
    expect(b).not.toBe(a);
    expect(publishIntentFile('/s', '/pods/a/mount')).toBe(a);
  });
});
