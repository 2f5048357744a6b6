// End to end on this machine's real Ceph: the controller creates a volume, the node service stages it
// with the fuse mounter (rbd-fuse + loop + mkfs + mount), a file is written through a published bind
// mount, the volume is unstaged and staged again (after a driver restart), and the file reads back.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { startCeph } from '../../support/ceph.js';
import { runCommand } from '../../support/ceph.js';
import { call, codeOf, CLUSTER_ID, startHarness, type Harness } from '../../integration/csi/harness.js';

const MIB = 1024 * 1024;
let controller: Harness;
let node: Harness;
let work: string;
const cap = { mount: { fs_type: 'ext4' }, access_mode: { mode: 'SINGLE_NODE_WRITER' } };

beforeAll(async () => {
  const ceph = await startCeph();
  controller = await startHarness({ ceph });
  node = await startHarness({ ceph, role: 'node' });
  work = await mkdtemp(join(tmpdir(), 'corral-csi-e2e-'));
});

afterAll(async () => {
  await node?.stop();
  await controller?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function newVolume(label: string, bytes = 64 * MIB, capability: object = cap) {
  const res = await call(controller.controller, 'CreateVolume', {
    name: `e2e-${label}-${Date.now()}`,
    capacity_range: { required_bytes: bytes },
    volume_capabilities: [capability],
    parameters: { clusterID: CLUSTER_ID, pool: controller.ceph.pool },
    secrets: controller.secrets,
  });
  return res.volume!;
}

function stage(
  h: Harness,
  volume: { volume_id?: string; volume_context?: Record<string, string> },
  staging: string,
  capability: object = cap,
) {
  return call(h.node, 'NodeStageVolume', {
    volume_id: volume.volume_id,
    staging_target_path: staging,
    volume_capability: capability,
    secrets: h.secrets,
    volume_context: volume.volume_context,
  });
}

const unstage = (h: Harness, id: string, staging: string) =>
  call(h.node, 'NodeUnstageVolume', { volume_id: id, staging_target_path: staging });

const publish = (
  h: Harness,
  id: string,
  staging: string,
  target: string,
  readonly = false,
  capability: object = cap,
) =>
  call(h.node, 'NodePublishVolume', {
    volume_id: id,
    staging_target_path: staging,
    target_path: target,
    volume_capability: capability,
    readonly,
  });

const unpublish = (h: Harness, id: string, target: string) =>
  call(h.node, 'NodeUnpublishVolume', { volume_id: id, target_path: target });

describe('node service with the fuse mounter', () => {
  it('given a new volume: stage (mkfs), write, unstage, restart, stage again, read back', async () => {
    const volume = await newVolume('roundtrip');
    const id = volume.volume_id!;
    const staging = join(work, 'rt-staging');
    const target = join(work, 'rt-target');
    await stage(node, volume, staging);
    await stage(node, volume, staging); // idempotent
    await publish(node, id, staging, target);
    await publish(node, id, staging, target); // idempotent
    await writeFile(join(target, 'hello.txt'), 'written through corral');

    const stats = await call(node.node, 'NodeGetVolumeStats', { volume_id: id, volume_path: target });
    const bytes = stats.usage!.find((u) => u.unit === 'BYTES')!;
    const inodes = stats.usage!.find((u) => u.unit === 'INODES')!;
    expect(Number(bytes.total)).toBeGreaterThan(40 * MIB);
    expect(Number(inodes.used)).toBeGreaterThan(0);
    expect(stats.volume_condition).toMatchObject({ abnormal: false });

    await unpublish(node, id, target);
    await unpublish(node, id, target); // idempotent
    await unstage(node, id, staging);
    await unstage(node, id, staging); // idempotent

    // A restarted node driver stages the same volume again: no mkfs (the file survives).
    await node.stop();
    node = await startHarness({ ceph: controller.ceph, role: 'node' });
    await stage(node, volume, staging);
    const ro = join(work, 'rt-readonly');
    await publish(node, id, staging, ro, true);
    expect(await readFile(join(ro, 'hello.txt'), 'utf8')).toBe('written through corral');
    await expect(writeFile(join(ro, 'nope.txt'), 'x')).rejects.toThrow(/read-only/i);
    await unpublish(node, id, ro);
    await unstage(node, id, staging);
    await call(controller.controller, 'DeleteVolume', { volume_id: id, secrets: controller.secrets });
  });

  it('given a grown volume, NodeExpandVolume grows ext4 offline and keeps the data and the mount flags', async () => {
    const volume = await newVolume('grow', 32 * MIB);
    const id = volume.volume_id!;
    const staging = join(work, 'grow-staging');
    const flagged = {
      mount: { fs_type: 'ext4', mount_flags: ['noexec', 'nosuid'] },
      access_mode: cap.access_mode,
    };
    await stage(node, volume, staging, flagged);
    await writeFile(join(staging, 'fs', 'keep.txt'), 'kept');
    const before = await call(node.node, 'NodeGetVolumeStats', {
      volume_id: id,
      volume_path: join(staging, 'fs'),
    });
    await call(controller.controller, 'ControllerExpandVolume', {
      volume_id: id,
      capacity_range: { required_bytes: 96 * MIB },
      secrets: controller.secrets,
      volume_capability: cap,
    });
    const grown = await call(node.node, 'NodeExpandVolume', {
      volume_id: id,
      volume_path: join(staging, 'fs'),
      staging_target_path: staging,
      capacity_range: { required_bytes: 96 * MIB },
    });
    const total = (s: typeof before) => Number(s.usage!.find((u) => u.unit === 'BYTES')!.total);
    expect(Number(grown.capacity_bytes)).toBeGreaterThan(total(before) * 2);
    expect(await readFile(join(staging, 'fs', 'keep.txt'), 'utf8')).toBe('kept');
    const mountinfo = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n');
    const options = mountinfo.find((line) => line.split(' ')[4] === join(staging, 'fs'))?.split(' ')[5] ?? '';
    expect(options.split(',')).toEqual(expect.arrayContaining(['noexec', 'nosuid']));
    await unstage(node, id, staging);
    await call(controller.controller, 'DeleteVolume', { volume_id: id, secrets: controller.secrets });
  });

  it('given a block volume, publishes the device as a file the workload can write', async () => {
    const block = { block: {}, access_mode: { mode: 'SINGLE_NODE_WRITER' } };
    const volume = await newVolume('block', 16 * MIB, block);
    const id = volume.volume_id!;
    const staging = join(work, 'blk-staging');
    const target = join(work, 'blk-pods', 'dev');
    await stage(node, volume, staging, block);
    await publish(node, id, staging, target, false, block);
    const size = await runCommand('blockdev', ['--getsize64', target]);
    expect(size.stdout.trim()).toBe(String(16 * MIB));
    await unpublish(node, id, target);
    await unstage(node, id, staging);
    await call(controller.controller, 'DeleteVolume', { volume_id: id, secrets: controller.secrets });
  });

  it('given bad input, answers the spec codes', async () => {
    const volume = await newVolume('bad', 8 * MIB);
    expect(await codeOf(stage(node, { ...volume, volume_id: 'garbage' }, join(work, 'x')))).toBe(
      status.NOT_FOUND,
    );
    expect(await codeOf(stage(node, volume, ''))).toBe(status.INVALID_ARGUMENT);
    expect(await codeOf(publish(node, volume.volume_id!, join(work, 'unstaged'), join(work, 't')))).toBe(
      status.FAILED_PRECONDITION,
    );
    expect(
      await codeOf(
        call(node.node, 'NodeGetVolumeStats', { volume_id: 'v', volume_path: join(work, 'missing') }),
      ),
    ).toBe(status.NOT_FOUND);
    await call(controller.controller, 'DeleteVolume', {
      volume_id: volume.volume_id,
      secrets: controller.secrets,
    });
  });

  it('given --mounter krbd on a node without the rbd module, NodeStage fails with the command’s reason', async () => {
    const krbd = await startHarness({ ceph: controller.ceph, role: 'node', mounter: 'krbd' });
    try {
      const volume = await newVolume('krbd', 8 * MIB);
      const err = await stage(krbd, volume, join(work, 'krbd-staging')).catch(
        (e: { code: number; details: string }) => e,
      );
      expect(err).toMatchObject({ code: status.INTERNAL });
      expect((err as { details: string }).details).toMatch(/CSI_ERR_NODE_COMMAND: rbd device failed/);
      await unstage(krbd, volume.volume_id!, join(work, 'krbd-staging'));
      await call(controller.controller, 'DeleteVolume', {
        volume_id: volume.volume_id,
        secrets: controller.secrets,
      });
    } finally {
      await krbd.stop();
    }
  });

  it('given NodeGetInfo and NodeGetCapabilities, returns the node ID and stage/stats/expand', async () => {
    expect((await call(node.node, 'NodeGetInfo', {})).node_id).toBe('node-a');
    const types = (await call(node.node, 'NodeGetCapabilities', {})).capabilities!.map((c) => c.rpc?.type);
    expect(types).toEqual(
      expect.arrayContaining(['STAGE_UNSTAGE_VOLUME', 'GET_VOLUME_STATS', 'EXPAND_VOLUME']),
    );
  });
});
