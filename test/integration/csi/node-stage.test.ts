// NodeStageVolume / NodeUnstageVolume edge cases on real Ceph (fuse mounter: rbd-fuse + loop): a
// failed stage leaves nothing behind (kubelet does not unstage after one), a missing image is
// NOT_FOUND, unstage checks the volume id, a restage with another fs_type is ALREADY_EXISTS, a second
// read-write staging of one volume is refused, and paths are compared in one spelling.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { runCommand } from '../../support/ceph.js';
import { call, codeOf, CLUSTER_ID } from './harness.js';
import { nodeSuite, RWO } from './node-calls.js';

const suite = nodeSuite('node-stage');
const { newVolume, stage, unstage, publish, unpublish } = suite;

/** The mount points under `dir` (from /proc/self/mountinfo). */
async function mountsUnder(dir: string): Promise<string[]> {
  const lines = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n');
  return lines.map((l) => l.split(' ')[4] ?? '').filter((p) => p === dir || p.startsWith(`${dir}/`));
}

/** Loop devices and rbd-fuse processes naming `dir`. */
async function attachmentsUnder(dir: string): Promise<string[]> {
  const loops = (await runCommand('losetup', ['-a'])).stdout.split('\n').filter((l) => l.includes(dir));
  const fuse = (await runCommand('pgrep', ['-af', `rbd-fuse.*${dir}`])).stdout.trim();
  return [...loops, ...(fuse ? [fuse] : [])];
}

describe('node service: a failed stage is undone', () => {
  it('given a bad mount flag, the stage fails, leaves nothing, and the volume can be deleted', async () => {
    const volume = await newVolume('bad-flag');
    const staging = join(suite.work, 'bad-flag');
    const capability = { ...RWO, mount: { fs_type: 'ext4', mount_flags: ['no_such_option'] } };
    expect(await codeOf(stage(volume, staging, capability))).toBe(status.INTERNAL);
    expect(await mountsUnder(staging)).toEqual([]);
    expect(await attachmentsUnder(staging)).toEqual([]);
    // The driver made the staging folder, so it removes it again.
    expect(existsSync(staging)).toBe(false);
    await call(suite.controller.controller, 'DeleteVolume', {
      volume_id: volume.volume_id,
      secrets: suite.controller.secrets,
    });
  });

  it('given a valid id whose image does not exist, the stage is NOT_FOUND and leaves nothing', async () => {
    const uuid = randomUUID();
    const ghost = {
      volume_id: `v1.${CLUSTER_ID}.${suite.controller.ceph.pool}..${uuid}`,
      volume_context: { imageName: `csi-vol-${uuid}` },
    };
    const staging = join(suite.work, 'ghost');
    expect(await codeOf(stage(ghost, staging))).toBe(status.NOT_FOUND);
    expect(await mountsUnder(staging)).toEqual([]);
    expect(await attachmentsUnder(staging)).toEqual([]);
  });
});

describe('node service: the image named in volume_context', () => {
  it.each([
    ['a host file', '../../victim.img'],
    ["another volume's image", 'other'],
  ])('given %s as imageName, the stage is INVALID_ARGUMENT and touches nothing', async (what, name) => {
    const volume = await newVolume(`image-${what.length}`);
    const image = name === 'other' ? (await newVolume('image-other')).volume_context!['imageName']! : name;
    const staging = join(suite.work, `image-${what.length}`);
    const forged = { ...volume, volume_context: { ...volume.volume_context, imageName: image } };
    expect(await codeOf(stage(forged, staging))).toBe(status.INVALID_ARGUMENT);
    expect(await mountsUnder(staging)).toEqual([]);
    expect(await attachmentsUnder(staging)).toEqual([]);
  });
});

describe('node service: stage identity', () => {
  it('given a staged volume, unstage with another id, restage as xfs or a second RW stage are refused', async () => {
    const [volume, other] = [await newVolume('ident'), await newVolume('ident-other')];
    const [s1, s2] = [join(suite.work, 'ident-s1'), join(suite.work, 'ident-s2')];
    await stage(volume, s1);
    await stage(volume, s1); // idempotent

    expect(await codeOf(unstage(other, s1))).toBe(status.NOT_FOUND);
    expect(await mountsUnder(s1)).toEqual([join(s1, 'fuse'), join(s1, 'fs')]);

    const xfs = { ...RWO, mount: { fs_type: 'xfs' } };
    expect(await codeOf(stage(volume, s1, xfs))).toBe(status.ALREADY_EXISTS);

    expect(await codeOf(stage(volume, s2))).toBe(status.FAILED_PRECONDITION);
    expect(await mountsUnder(s2)).toEqual([]);
    expect(await attachmentsUnder(s2)).toEqual([]);

    await unstage(volume, s1);
    expect(await mountsUnder(s1)).toEqual([]);
    await stage(volume, s2); // free again once unstaged at s1
    await unstage(volume, s2);
  });
});

describe('node service: paths in one spelling', () => {
  it('given a trailing slash or dot-dot, publish mounts once and unpublish removes it', async () => {
    const volume = await newVolume('paths');
    const staging = join(suite.work, 'paths-s');
    const target = join(suite.work, 'paths-t');
    await stage(volume, `${staging}/`);
    await stage(volume, `${suite.work}//x/../paths-s`); // the same stage, spelled otherwise

    await publish(volume, `${staging}/`, `${target}/`);
    await publish(volume, staging, `${suite.work}/./paths-t`); // idempotent
    expect(await mountsUnder(target)).toEqual([target]);

    await unpublish(volume, `${target}/`);
    expect(await mountsUnder(target)).toEqual([]);
    await unstage(volume, `${staging}/`);
    expect(await mountsUnder(staging)).toEqual([]);
  });

  it('given no staging_target_path, publish is FAILED_PRECONDITION', async () => {
    const volume = await newVolume('no-staging');
    expect(await codeOf(publish(volume, undefined, join(suite.work, 'no-staging-t')))).toBe(
      status.FAILED_PRECONDITION,
    );
  });
});
