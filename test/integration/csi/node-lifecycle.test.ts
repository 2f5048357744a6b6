// The node service against what kubelet and the CSI spec expect, on real Ceph (fuse mounter): a
// publish must ask for the volume as it was staged (a filesystem stage is never bound out as a raw
// device), NodeGetVolumeStats answers for the staging path too ("any valid path where volume was
// previously staged or published"), an unstage while a filesystem publish remains is refused whole,
// and a volume_context fstype other than ext4/xfs is refused before anything is attached.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { call, codeOf } from './harness.js';
import { nodeSuite, RWO, type Volume } from './node-calls.js';

const MIB = 1024 * 1024;
const BLOCK = { block: {}, access_mode: { mode: 'SINGLE_NODE_WRITER' } };
const XFS = { ...RWO, mount: { fs_type: 'xfs' } };

const suite = nodeSuite('node-lifecycle');
const { newVolume, stage, unstage, publish, unpublish } = suite;
const stats = (volume: Volume, path: string, staging?: string) =>
  call(suite.node.node, 'NodeGetVolumeStats', {
    volume_id: volume.volume_id,
    volume_path: path,
    ...(staging === undefined ? {} : { staging_target_path: staging }),
  });

/** The mount points under `dir` (from /proc/self/mountinfo). */
async function mountsUnder(dir: string): Promise<string[]> {
  const lines = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n');
  return lines.map((l) => l.split(' ')[4] ?? '').filter((p) => p === dir || p.startsWith(`${dir}/`));
}

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('expected the call to fail');
}

const bytesTotal = (res: { usage?: { unit?: string; total?: string }[] }) =>
  Number(res.usage?.find((u) => u.unit === 'BYTES')?.total);

describe('node service: a publish asks for the volume as it was staged', () => {
  it('given an ext4 stage, a block or xfs publish is FAILED_PRECONDITION and mounts nothing', async () => {
    const volume = await newVolume('as-staged');
    const staging = join(suite.work, 'as-staged-s');
    await stage(volume, staging);
    for (const [label, capability] of [
      ['block', BLOCK],
      ['xfs', XFS],
    ] as const) {
      const target = join(suite.work, `as-staged-${label}`);
      const err = await rejection(publish(volume, staging, target, false, capability));
      expect(err.code).toBe(status.FAILED_PRECONDITION);
      expect(err.details).toMatch(/^CSI_ERR_STAGE_MISMATCH: .*staged as mount ext4/);
      expect(await mountsUnder(target)).toEqual([]);
      // Before, the block publish bound the loop device under the mounted ext4 there, read-write.
      expect(await stat(target).catch(() => undefined)).toBeUndefined();
    }
    const target = join(suite.work, 'as-staged-t');
    await publish(volume, staging, target, false, { ...RWO, mount: {} }); // no fs_type: the staged one
    expect(await mountsUnder(target)).toEqual([target]);
    // The same target asked for another capability: the spec's ALREADY_EXISTS.
    expect(await codeOf(publish(volume, staging, target, false, BLOCK))).toBe(status.ALREADY_EXISTS);
    await unpublish(volume, target);
    await unstage(volume, staging);
  });

  it('given a block stage, a mount publish is FAILED_PRECONDITION naming the stage', async () => {
    const volume = await newVolume('as-staged-blk', BLOCK);
    const staging = join(suite.work, 'as-staged-blk-s');
    await stage(volume, staging, BLOCK);
    const err = await rejection(publish(volume, staging, join(suite.work, 'as-staged-blk-t')));
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(err.details).toMatch(/staged as block/);
    await unstage(volume, staging);
  });
});

describe('node service: stats of a staging path', () => {
  it('given a staged filesystem or block volume, stats of its staging path answer for it', async () => {
    const [fs, blk] = [await newVolume('stats-fs'), await newVolume('stats-blk', BLOCK)];
    const [sfs, sblk] = [join(suite.work, 'stats-fs-s'), join(suite.work, 'stats-blk-s')];
    await stage(fs, sfs);
    await stage(blk, sblk, BLOCK);

    const own = await stats(fs, sfs, sfs);
    expect(bytesTotal(own)).toBeGreaterThan(16 * MIB);
    expect(own.usage?.map((u) => u.unit)).toEqual(['BYTES', 'INODES']);
    expect(bytesTotal(await stats(fs, sfs))).toBe(bytesTotal(own)); // without staging_target_path
    expect(bytesTotal(await stats(blk, sblk, sblk))).toBe(32 * MIB);
    // Another volume's staging path is still NOT_FOUND.
    expect(await codeOf(stats(fs, sblk))).toBe(status.NOT_FOUND);
    expect(await codeOf(stats(blk, sfs))).toBe(status.NOT_FOUND);

    await unstage(fs, sfs);
    await unstage(blk, sblk);
    expect(await codeOf(stats(fs, sfs))).toBe(status.NOT_FOUND);
  });
});

describe('node service: unstage while published', () => {
  it('given a published filesystem, unstage is FAILED_PRECONDITION and touches nothing', async () => {
    const volume = await newVolume('busy');
    const [staging, target] = [join(suite.work, 'busy-s'), join(suite.work, 'busy-t')];
    await stage(volume, staging);
    await publish(volume, staging, target);
    const before = await mountsUnder(staging);

    const err = await rejection(unstage(volume, staging));
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(err.details).toMatch(/^CSI_ERR_IN_USE: .*still mounted at .*busy-t/);
    expect(await mountsUnder(staging)).toEqual(before);
    // Before, <staging>/fs was unmounted and the rbd-fuse unmount failed (busy): the stage was half
    // gone, so stats of the pod's target and a second publish failed while the pod wrote on.
    expect((await stats(volume, target, staging)).volume_condition).toMatchObject({ abnormal: false });
    const second = join(suite.work, 'busy-t2');
    await publish(volume, staging, second);

    await unpublish(volume, target);
    expect(await codeOf(unstage(volume, staging))).toBe(status.FAILED_PRECONDITION); // t2 still
    await unpublish(volume, second);
    await unstage(volume, staging);
    expect(await mountsUnder(staging)).toEqual([]);
  });
});

describe('node service: the filesystem of a stage', () => {
  it('given a volume_context fstype ext3 and no fs_type, the stage is INVALID_ARGUMENT and attaches nothing', async () => {
    const volume = await newVolume('ext3');
    const staging = join(suite.work, 'ext3-s');
    const forged = {
      ...volume,
      volume_context: { ...volume.volume_context, 'csi.storage.k8s.io/fstype': 'ext3' },
    };
    const err = await rejection(stage(forged, staging, { ...RWO, mount: {} }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^CSI_ERR_UNSUPPORTED_CAPABILITY: filesystem "ext3"/);
    expect(await mountsUnder(staging)).toEqual([]);
  });
});
