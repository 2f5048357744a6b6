import type { StageRecord } from './node-layout.js';
import { otherStagingConflict, restageConflict, stageMode } from './node-stage.js';

const EXT4: StageRecord = {
  volumeId: 'v1.c.rbd..a',
  clusterID: 'c',
  pool: 'rbd',
  namespace: '',
  image: 'csi-vol-a',
  accessType: 'mount',
  fsType: 'ext4',
  imageFile: 'csi-vol-a',
};
const RO: StageRecord = { ...EXT4, readOnly: true };
const BLOCK: StageRecord = { ...EXT4, accessType: 'block' };

describe('node stage decisions', () => {
  it.each([
    ['mount ext4', EXT4, 'mount ext4'],
    ['reader-only mount', RO, 'mount ext4 (read-only)'],
    ['block', BLOCK, 'block'],
  ])('given a %s record, returns its mode', (_label, record, expected) => {
    expect(stageMode(record)).toBe(expected);
  });

  it.each([
    ['the same stage', EXT4, EXT4, undefined],
    ['another volume', { ...EXT4, volumeId: 'v1.c.rbd..b' }, EXT4, /stages volume v1\.c\.rbd\.\.b/],
    ['another fs_type', EXT4, { ...EXT4, fsType: 'xfs' }, /as mount ext4, not mount xfs/],
    ['another access type', EXT4, BLOCK, /not block/],
    ['another read-only flag', EXT4, RO, /not mount ext4 \(read-only\)/],
    ['a block stage with another fs_type', BLOCK, { ...BLOCK, fsType: 'xfs' }, undefined],
  ])('given %s at the staging path, returns the conflict', (_label, previous, wanted, expected) => {
    const conflict = restageConflict(previous, wanted);
    if (expected === undefined) expect(conflict).toBeUndefined();
    else expect(conflict).toMatch(expected);
  });

  it.each([
    ['no other staging', EXT4, [], undefined],
    ['this very path', EXT4, [{ path: '/s1', record: EXT4 }], undefined],
    ['another volume elsewhere', EXT4, [{ path: '/s2', record: { ...EXT4, volumeId: 'x' } }], undefined],
    ['a writer elsewhere', EXT4, [{ path: '/s2', record: EXT4 }], '/s2'],
    ['a reader elsewhere, for a writer', EXT4, [{ path: '/s2', record: RO }], '/s2'],
    ['a writer elsewhere, for a reader', RO, [{ path: '/s2', record: EXT4 }], '/s2'],
    ['a reader elsewhere, for a reader', RO, [{ path: '/s2', record: RO }], undefined],
    ['a block writer elsewhere', BLOCK, [{ path: '/s2', record: BLOCK }], '/s2'],
  ])('given %s, returns the staging that forbids staging at /s1', (_label, wanted, stagings, expected) => {
    expect(otherStagingConflict(wanted, '/s1', stagings)?.path).toBe(expected);
  });
});
