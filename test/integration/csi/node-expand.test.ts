// Online expansion on real Ceph with the fuse mounter (rbd-fuse + loop device): the plugin advertises
// ONLINE, so ControllerExpandVolume grows the image of a volume a pod uses and NodeExpandVolume grows
// it where the pod has it: the loop device is refreshed (until it shows the new size: rbd-fuse's file
// size reaches the kernel only once its cached attributes expire), then xfs grows mounted, a block
// device is simply bigger, and ext4 grows mounted with CAP_SYS_RESOURCE, else FAILED_PRECONDITION
// (kubelet's "not on this node, do not block mounting") and offline at the next stage.
import { readFile, stat, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import {
  CAP_SYS_RESOURCE,
  hasEffectiveCapability,
} from '../../../plugins/csi-ceph/src/decide/process-capabilities.js';
import { runCommand } from '../../support/ceph.js';
import { call, codeOf, CLUSTER_ID } from './harness.js';
import { nodeSuite, type Volume } from './node-calls.js';

const MIB = 1024 * 1024;
const RWO = { mode: 'SINGLE_NODE_WRITER' };
const XFS = { mount: { fs_type: 'xfs' }, access_mode: RWO };
const EXT4 = { mount: { fs_type: 'ext4' }, access_mode: RWO };
const BLOCK = { block: {}, access_mode: RWO };

const suite = nodeSuite('node-expand');

async function create(label: string, capability: object, bytes: number): Promise<Volume> {
  const res = await call(suite.controller.controller, 'CreateVolume', {
    name: `node-expand-${label}-${Date.now()}`,
    capacity_range: { required_bytes: bytes },
    volume_capabilities: [capability],
    parameters: { clusterID: CLUSTER_ID, pool: suite.controller.ceph.pool },
    secrets: suite.controller.secrets,
  });
  return res.volume!;
}

const controllerExpand = (volume: Volume, bytes: number) =>
  call(suite.controller.controller, 'ControllerExpandVolume', {
    volume_id: volume.volume_id,
    capacity_range: { required_bytes: bytes },
    secrets: suite.controller.secrets,
  });

/** As kubelet sends it for a pod's volume: the published path, the staging path, the PV's new size. */
const nodeExpand = (volume: Volume, path: string, staging: string, bytes: number) =>
  call(suite.node.node, 'NodeExpandVolume', {
    volume_id: volume.volume_id,
    volume_path: path,
    staging_target_path: staging,
    capacity_range: { required_bytes: bytes },
  });

/** Reads the image file's size through rbd-fuse, so the kernel caches it just before a growth. */
const primeFuseSize = (volume: Volume, staging: string) =>
  stat(join(staging, 'fuse', volume.volume_context!['imageName']!));

/** The mount ID (mountinfo's first field) at `path`: the same one means the mount never left. */
async function mountId(path: string): Promise<string | undefined> {
  const lines = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n');
  return lines.find((line) => line.split(' ')[4] === path)?.split(' ')[0];
}

const fsBytes = async (path: string) => {
  const s = await statfs(path);
  return s.blocks * s.bsize;
};

async function cleanUp(volume: Volume, staging: string, target?: string) {
  if (target) await suite.unpublish(volume, target);
  await suite.unstage(volume, staging);
  await call(suite.controller.controller, 'DeleteVolume', {
    volume_id: volume.volume_id,
    secrets: suite.controller.secrets,
  });
}

describe('online expansion', () => {
  it('given a published xfs volume, grows it in place: the pod keeps its mount and data and sees the new size', async () => {
    const volume = await create('xfs', XFS, 320 * MIB);
    const staging = join(suite.work, 'xfs-staging');
    const target = join(suite.work, 'xfs-target');
    await suite.stage(volume, staging, XFS);
    await suite.publish(volume, staging, target, false, XFS);
    await writeFile(join(target, 'keep.txt'), 'kept');
    const before = { id: await mountId(target), bytes: await fsBytes(target) };

    await primeFuseSize(volume, staging);
    expect((await controllerExpand(volume, 640 * MIB)).node_expansion_required).toBe(true);
    const grown = await nodeExpand(volume, target, staging, 640 * MIB);

    expect(Number(grown.capacity_bytes)).toBeGreaterThan(before.bytes * 1.8);
    expect(await fsBytes(target)).toBe(Number(grown.capacity_bytes));
    expect(await mountId(target)).toBe(before.id);
    expect(await readFile(join(target, 'keep.txt'), 'utf8')).toBe('kept');
    await writeFile(join(target, 'after.txt'), 'written after the growth');
    await cleanUp(volume, staging, target);
  });

  it('given a published block volume, the device the pod holds shows the new size', async () => {
    const volume = await create('block', BLOCK, 16 * MIB);
    const staging = join(suite.work, 'block-staging');
    const target = join(suite.work, 'block-pod', 'dev');
    await suite.stage(volume, staging, BLOCK);
    await suite.publish(volume, staging, target, false, BLOCK);

    await primeFuseSize(volume, staging);
    await controllerExpand(volume, 48 * MIB);
    const grown = await nodeExpand(volume, target, staging, 48 * MIB);

    expect(grown.capacity_bytes).toBe(String(48 * MIB));
    expect((await runCommand('blockdev', ['--getsize64', target])).stdout.trim()).toBe(String(48 * MIB));
    await cleanUp(volume, staging, target);
  });

  it('given a published ext4 volume, grows it mounted with CAP_SYS_RESOURCE, else FAILED_PRECONDITION and offline once unpublished', async () => {
    const volume = await create('ext4', EXT4, 32 * MIB);
    const staging = join(suite.work, 'ext4-staging');
    const target = join(suite.work, 'ext4-target');
    await suite.stage(volume, staging, EXT4);
    await suite.publish(volume, staging, target, false, EXT4);
    await writeFile(join(target, 'keep.txt'), 'kept');
    const before = { id: await mountId(target), bytes: await fsBytes(target) };
    await controllerExpand(volume, 96 * MIB);

    const capable = hasEffectiveCapability(await readFile('/proc/self/status', 'utf8'), CAP_SYS_RESOURCE);
    if (capable) {
      const grown = await nodeExpand(volume, target, staging, 96 * MIB);
      expect(Number(grown.capacity_bytes)).toBeGreaterThan(before.bytes * 2);
      expect(await mountId(target)).toBe(before.id);
      await cleanUp(volume, staging, target);
      return;
    }
    // The node plugin said so when it started.
    expect(suite.node.logs.text()).toMatch(/no CAP_SYS_RESOURCE: a published ext4 volume cannot grow/);
    const refused = await nodeExpand(volume, target, staging, 96 * MIB).catch(
      (e: { code: number; details: string }) => e,
    );
    expect(refused).toMatchObject({ code: status.FAILED_PRECONDITION });
    expect((refused as { details: string }).details).toMatch(/CAP_SYS_RESOURCE/);
    // The pod's filesystem is untouched and still usable.
    expect(await mountId(target)).toBe(before.id);
    await writeFile(join(target, 'still.txt'), 'still writable');

    await suite.unpublish(volume, target);
    const grown = await nodeExpand(volume, join(staging, 'fs'), staging, 96 * MIB);
    expect(Number(grown.capacity_bytes)).toBeGreaterThan(before.bytes * 2);
    expect(await readFile(join(staging, 'fs', 'keep.txt'), 'utf8')).toBe('kept');
    await cleanUp(volume, staging);
  });

  it('given a size the image does not have, NodeExpandVolume answers UNAVAILABLE after waiting, and grows nothing', async () => {
    const volume = await create('short', BLOCK, 16 * MIB);
    const staging = join(suite.work, 'short-staging');
    await suite.stage(volume, staging, BLOCK);
    const device = (
      await runCommand('losetup', ['-j', join(staging, 'fuse', volume.volume_context!['imageName']!)])
    ).stdout.split(':')[0]!;
    const err = await nodeExpand(volume, device, staging, 64 * MIB).catch(
      (e: { code: number; details: string }) => e,
    );
    expect(err).toMatchObject({ code: status.UNAVAILABLE });
    expect((err as { details: string }).details).toMatch(
      /CSI_ERR_DEVICE_NOT_GROWN: .* less than the 67108864 asked for/,
    );
    expect((await runCommand('blockdev', ['--getsize64', device])).stdout.trim()).toBe(String(16 * MIB));
    expect(await codeOf(nodeExpand(volume, device, staging, 16 * MIB))).toBe(0);
    await cleanUp(volume, staging);
  }, 60_000); // the driver refreshes the device 20 times, 250 ms apart and two commands each
});
