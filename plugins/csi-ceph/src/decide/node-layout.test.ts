import { mkfsArgs, parseMountInfo, stageLayout } from './node-layout.js';

describe('node layout', () => {
  it('given a staging path, returns the record, fuse and fs paths under it', () => {
    expect(stageLayout('/s')).toEqual({
      record: '/s/corral-volume.json',
      fuseDir: '/s/fuse',
      fsDir: '/s/fs',
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
      '43 27 7:0 / /tmp/fs rw shared:1 - ext4 /dev/loop0 rw\n';
    expect(parseMountInfo(text)).toEqual([
      {
        mountPoint: '/tmp/a b',
        device: '0:39',
        root: '/',
        source: 'rbd-fuse',
        fsType: 'fuse.rbd-fuse',
        options: 'rw,relatime',
      },
      {
        mountPoint: '/tmp/fs',
        device: '7:0',
        root: '/',
        source: '/dev/loop0',
        fsType: 'ext4',
        options: 'rw',
      },
    ]);
  });
});
