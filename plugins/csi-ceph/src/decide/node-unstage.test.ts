import { CSI_ERR } from '../errors.js';
import type { MountEntry } from './node-layout.js';
import { checkUnstage, filesystemUsers, majorMinor } from './node-unstage.js';

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
