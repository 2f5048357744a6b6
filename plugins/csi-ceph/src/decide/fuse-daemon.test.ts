import { argvOf, servesDirectory } from './fuse-daemon.js';

describe('servesDirectory', () => {
  const dir = '/var/lib/corral/stage/vol-1';
  it.each([
    ['the daemon of dir', ['rbd-fuse', '-p', 'rbd', '-r', 'img', dir], true],
    ['the daemon by its full path', ['/usr/bin/rbd-fuse', '-p', 'rbd', dir], true],
    ['the daemon of another dir', ['rbd-fuse', '-p', 'rbd', `${dir}-2`], false],
    ['the daemon of a dir below', ['rbd-fuse', '-p', 'rbd', `${dir}/x`], false],
    ['another program naming dir', ['pgrep', '-af', dir], false],
    ['a program whose name ends like it', ['not-rbd-fuse', dir], false],
    ['rbd-fuse alone', ['rbd-fuse'], false],
    ['an empty command line (a zombie)', [], false],
  ])('given %s, answers %s', (_what, argv, expected) => {
    expect(servesDirectory(argv, dir)).toBe(expected);
  });
});

describe('argvOf', () => {
  it('given a NUL-separated, NUL-terminated text, returns its arguments', () => {
    expect(argvOf('rbd-fuse\0-p\0rbd\0/a b\0')).toEqual(['rbd-fuse', '-p', 'rbd', '/a b']);
    expect(argvOf('')).toEqual([]);
  });
});
