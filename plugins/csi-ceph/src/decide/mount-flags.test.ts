import { flagsMountReadOnly, mountOptionList } from './mount-flags.js';

describe('mountOptionList', () => {
  it.each([
    ['one option per flag', ['noatime', 'ro'], ['noatime', 'ro']],
    ['several options in one flag', ['noatime,ro'], ['noatime', 'ro']],
    ['spaces and empty options', [' rw , exec ', '', ','], ['rw', 'exec']],
    [
      "kubelet's SELinux context (commas inside quotes)",
      ['context="system_u:object_r:container_file_t:s0:c0,c1",noatime'],
      ['context="system_u:object_r:container_file_t:s0:c0,c1"', 'noatime'],
    ],
    ['nothing', [], []],
  ])('given %s, returns one option per entry', (_label, flags, expected) => {
    expect(mountOptionList(flags)).toEqual(expected);
  });
});

describe('flagsMountReadOnly', () => {
  it.each([
    [['ro'], true],
    [['noatime,ro'], true],
    [['ro', 'rw'], false],
    [['rw,ro'], true],
    [['errors=remount-ro'], false],
    [['context="a:b:ro,rw"'], false],
    [[], false],
  ])('given %j, returns %s', (flags, expected) => {
    expect(flagsMountReadOnly(flags)).toBe(expected);
  });
});
