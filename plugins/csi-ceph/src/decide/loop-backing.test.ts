import { parseBackingFile } from './loop-backing.js';

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
