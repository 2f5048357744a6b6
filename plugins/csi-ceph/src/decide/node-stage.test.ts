import type { StageRecord } from './node-layout.js';
import {
  otherStagingConflict,
  restageConflict,
  restagePlan,
  stageMode,
  type EarlierStage,
} from './node-stage.js';

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

describe('restagePlan (a NodeStageVolume retry on an earlier stage of the same volume)', () => {
  const DEAD = { state: 'broken', reason: 'the rbd-fuse daemon serving /s/fuse is gone (ENOTCONN)' } as const;
  const LOOP0 = { state: 'attached', device: '/dev/loop0' } as const;
  const earlier = (over: Partial<EarlierStage>): EarlierStage => ({
    volumeId: 'v1.c.rbd..a',
    staging: '/s',
    attach: LOOP0,
    fsUsers: [],
    deviceUsers: [],
    ...over,
  });

  it.each([
    ['a healthy filesystem stage', earlier({ fsSource: '/dev/loop0' }), 'resume'],
    ['a healthy published stage', earlier({ fsSource: '/dev/loop0', fsUsers: ['/t'] }), 'resume'],
    // The same record: a block stage mounts nothing, a filesystem stage cut short did not yet.
    ['a healthy block stage, or a partial one (attached, not mounted)', earlier({}), 'resume'],
    ['a healthy block stage published', earlier({ deviceUsers: ['/t'] }), 'resume'],
    ['a partial stage (nothing attached)', earlier({ attach: { state: 'detached' } }), 'resume'],
    ['a dead daemon under a filesystem stage', earlier({ attach: DEAD, fsSource: '/dev/loop0' }), 'restage'],
    ['a dead daemon under a block stage', earlier({ attach: DEAD }), 'restage'],
    ['a filesystem on another device than the image’s', earlier({ fsSource: '/dev/loop3' }), 'restage'],
    [
      'a filesystem that failed (shut down), nothing else using it',
      earlier({ fsSource: '/dev/loop0', fsFailure: 'its filesystem at /s/fs has failed' }),
      'restage',
    ],
    [
      'a filesystem mounted, no device attached',
      earlier({ attach: { state: 'detached' }, fsSource: '/dev/loop0' }),
      'restage',
    ],
  ])('given %s, returns %s', (_label, found, expected) => {
    expect(restagePlan(found)).toMatchObject({ status: 'pass', value: expected });
  });

  it('given a dead daemon under a filesystem still mounted elsewhere, answers IN_USE naming the mounts and what to do', () => {
    const out = restagePlan(
      earlier({ attach: DEAD, fsSource: '/dev/loop0', fsUsers: ['/t1', '/t2', '/t1'] }),
    );
    expect(out).toMatchObject({ status: 'fail', code: 'CSI_ERR_IN_USE' });
    expect(out.status === 'fail' && out.message).toBe(
      'volume v1.c.rbd..a staged at /s no longer reaches Ceph: the rbd-fuse daemon serving /s/fuse is ' +
        'gone (ENOTCONN); its filesystem is still mounted at /t1, /t2, so it cannot be staged again yet: ' +
        'restart the pods using it (kubelet then unpublishes it) and the stage is made again (nothing was changed)',
    );
  });

  it('given a failed filesystem still mounted elsewhere, answers IN_USE saying what failed and naming the mounts', () => {
    const failure = 'its filesystem at /s/fs was shut down';
    const out = restagePlan(earlier({ fsSource: '/dev/loop0', fsFailure: failure, fsUsers: ['/t1'] }));
    expect(out).toMatchObject({ status: 'fail', code: 'CSI_ERR_IN_USE' });
    expect(out.status === 'fail' && out.message).toMatch(
      /^volume v1\.c\.rbd\.\.a staged at \/s no longer serves its volume: its filesystem at \/s\/fs was shut down; its filesystem is still mounted at \/t1, so it cannot be staged again yet/,
    );
  });

  it('given a dead daemon under a block stage still bound at a publish target, answers IN_USE naming it', () => {
    const out = restagePlan(earlier({ attach: DEAD, deviceUsers: ['/pub/blk', '/pods/x/dev'] }));
    expect(out).toMatchObject({ status: 'fail', code: 'CSI_ERR_IN_USE' });
    expect(out.status === 'fail' && out.message).toContain(
      'its device is still bound at /pub/blk, /pods/x/dev, so it cannot be staged again yet',
    );
  });
});
