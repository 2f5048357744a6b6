import { CSI_ERR } from '../errors.js';
import type { MountEntry } from './node-layout.js';
import { checkUnstage, deviceNodeBinds, filesystemUsers, majorMinor } from './node-unstage.js';

const entry = (mountPoint: string, device: string, root = '/'): MountEntry => ({
  mountPoint,
  device,
  root,
  source: '/dev/loop3',
  fsType: 'ext4',
  options: 'rw',
  superOptions: 'rw',
});

describe('majorMinor', () => {
  it.each([
    [0x703n, '7:3'],
    [0x100700n, '7:256'],
    [0x10300n, '259:0'],
    [0x0n, '0:0'],
  ])('given rdev %s, returns %s', (rdev, expected) => {
    expect(majorMinor(rdev)).toBe(expected);
  });
});

describe('filesystemUsers', () => {
  const table = [
    entry('/s/fuse', '0:40'),
    entry('/s/fs', '7:3'),
    entry('/pods/a/mount', '7:3'),
    entry('/pods/a/subpath/0', '7:3', '/dir'),
    entry('/pods/b/dev', '0:6', '/loop3'),
    entry('/other', '7:4'),
  ];

  it('given publishes of the stage, returns the filesystem ones but not the stage mount itself', () => {
    expect(filesystemUsers(table, '7:3', '/s/fs')).toEqual(['/pods/a/mount', '/pods/a/subpath/0']);
  });

  it('given only the stage mounts, returns none', () => {
    expect(filesystemUsers(table.slice(0, 2), '7:3', '/s/fs')).toEqual([]);
  });
});

describe('checkUnstage', () => {
  it('given no users, passes', () => {
    expect(checkUnstage('v1.c.rbd..a', '/s', []).status).toBe('pass');
  });

  it('given users, fails with IN_USE naming each once', () => {
    const decision = checkUnstage('v1.c.rbd..a', '/s', ['/t1', '/t2', '/t1']);
    expect(decision).toMatchObject({ status: 'fail', code: CSI_ERR.IN_USE });
    expect(decision.status === 'fail' && decision.message).toMatch(/still mounted at \/t1, \/t2: /);
  });
});

describe('deviceNodeBinds', () => {
  const devtmpfs = (mountPoint: string, root: string, device = '0:5'): MountEntry => ({
    ...entry(mountPoint, device, root),
    source: 'udev',
    fsType: 'devtmpfs',
  });

  it.each([
    [
      'a block publish and kubelet’s bind of it, /dev a devtmpfs mount',
      [
        entry('/', '8:1'),
        devtmpfs('/dev', '/'),
        devtmpfs('/t/pub', '/loop3'),
        devtmpfs('/pods/x/dev', '/loop3'),
      ],
      ['/t/pub', '/pods/x/dev'],
    ],
    [
      'a bind of another loop device, or of the same name in another filesystem',
      [
        entry('/', '8:1'),
        devtmpfs('/dev', '/'),
        devtmpfs('/t/a', '/loop4'),
        devtmpfs('/t/b', '/loop3', '0:6'),
      ],
      [],
    ],
    [
      '/dev not a mount of its own (the node lives in /)',
      [entry('/', '8:1'), entry('/t/pub', '8:1', '/dev/loop3')],
      ['/t/pub'],
    ],
    [
      '/dev a bind of a directory of another filesystem (a container)',
      [entry('/', '0:50'), devtmpfs('/dev', '/ctr-dev', '0:5'), devtmpfs('/t/pub', '/ctr-dev/loop3', '0:5')],
      ['/t/pub'],
    ],
    [
      'a filesystem of the device mounted somewhere (no bind of the node)',
      [entry('/', '8:1'), entry('/s/fs', '7:3')],
      [],
    ],
  ])('given %s, returns the binds', (_label, table, expected) => {
    expect(deviceNodeBinds(table, '/dev/loop3')).toEqual(expected);
  });
});
