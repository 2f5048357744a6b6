import { parseBackingFile, publishLoopsOf, stageLoopOf } from './loop-backing.js';

describe('parseBackingFile', () => {
  it.each([
    ['/s/fuse/csi-vol-a\n', { path: '/s/fuse/csi-vol-a', deleted: false }],
    ['/s/fuse/csi-vol-a (deleted)\n', { path: '/s/fuse/csi-vol-a', deleted: true }],
    ['/s dir/fuse/img', { path: '/s dir/fuse/img', deleted: false }],
    ['', { path: '', deleted: false }],
  ])('given %j, returns %j', (text, expected) => {
    expect(parseBackingFile(text)).toEqual(expected);
  });
});

describe('stageLoopOf and publishLoopsOf', () => {
  const rw = { device: '/dev/loop3', readOnly: false };
  const ro1 = { device: '/dev/loop1', readOnly: true };
  const ro5 = { device: '/dev/loop5', readOnly: true };

  it('given a read-write stage with read-only publish devices numbered before it, the stage is the read-write one', () => {
    expect(stageLoopOf([ro1, rw, ro5])).toBe(rw);
    expect(publishLoopsOf([ro1, rw, ro5])).toEqual([ro1, ro5]);
  });

  it('given a reader-only stage (one read-only device), it is the stage and there is no publish device', () => {
    expect(stageLoopOf([ro1])).toBe(ro1);
    expect(publishLoopsOf([ro1])).toEqual([]);
  });

  it('given no loop device, there is neither', () => {
    expect(stageLoopOf([])).toBeUndefined();
    expect(publishLoopsOf([])).toEqual([]);
  });

  it('given two read-write devices (none of this driver makes), the first is the stage and neither is a publish one', () => {
    const rw7 = { device: '/dev/loop7', readOnly: false };
    expect(stageLoopOf([rw, rw7])).toBe(rw);
    expect(publishLoopsOf([rw, rw7])).toEqual([]);
  });
});
