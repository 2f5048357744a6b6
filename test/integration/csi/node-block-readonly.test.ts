// A `readonly` publish of a block volume staged read-write: the target is the node of a read-only loop
// device of its own over the stage's image file, so that nothing opened through it writes (a read-only
// bind of the stage's loop device node stopped nothing: the kernel checks a mount's read-only flag for
// files, not for device nodes). Its repeat, conflicts, unpublish (also after a crash between the
// attach and the bind), the unstage refused while it exists, its stats, its growth, a driver restart,
// and what it sees of writes made through the writer's device. On real Ceph with the fuse mounter;
// each test leaves nothing behind.
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { runCommand } from '../../support/ceph.js';
import { call, codeOf, startHarness } from './harness.js';
import { BLOCK, nodeSuite, type Volume } from './node-calls.js';
import { expectNothingUnder, killDaemonOf, loopsUnder, mountsUnder } from './node-probes.js';

const MIB = 1024 * 1024;
const suite = nodeSuite('node-block-ro', { sweepAfterEach: true });

/** The error code of opening `path` for reading and writing and writing a block at offset 0. */
async function writeThrough(path: string, text: string): Promise<string | undefined> {
  try {
    const handle = await open(path, 'r+');
    try {
      await handle.write(Buffer.from(text.padEnd(4096, '.')), 0, 4096, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

/** The first `length` bytes of a device node, read with O_DIRECT (no page cache of the reader). */
async function readDirect(path: string, length = 8): Promise<string> {
  const out = await runCommand('dd', [`if=${path}`, 'bs=4096', 'count=1', 'iflag=direct', 'status=none']);
  expect(out.code).toBe(0);
  return out.stdout.slice(0, length);
}

/** Writes `text` in the first block of a device node with O_DIRECT (nothing left in a page cache). */
async function writeDirect(path: string, text: string): Promise<void> {
  const file = join(suite.work, `block-${Date.now()}`);
  await (await open(file, 'w')).writeFile(text.padEnd(4096, '.'));
  const out = await runCommand('dd', [
    `if=${file}`,
    `of=${path}`,
    'bs=4096',
    'count=1',
    'oflag=direct',
    'conv=notrunc',
    'status=none',
  ]);
  expect(out.code).toBe(0);
}

/** Is the block device behind a node read-only (blockdev --getro)? */
async function deviceReadOnly(path: string): Promise<boolean> {
  const out = await runCommand('blockdev', ['--getro', path]);
  expect(out.code).toBe(0);
  return out.stdout.trim() === '1';
}

const rdevOf = async (path: string) => (await stat(path)).rdev;

async function publishCode(volume: Volume, staging: string, target: string, readonly: boolean) {
  return codeOf(suite.publish(volume, staging, target, readonly, BLOCK));
}

describe('node service: a readonly publish of a read-write block stage', () => {
  it('given a readonly publish, the target cannot be written, reads work, and it is undone by its unpublish', async () => {
    const { volume, staging } = await suite.stagedVolume('ro', BLOCK);
    const writer = join(suite.work, 'ro-w');
    const reader = join(suite.work, 'ro-r');
    expect(await loopsUnder(staging)).toHaveLength(1);
    await suite.publish(volume, staging, writer, false, BLOCK);
    expect(await writeThrough(writer, 'WRITER-1')).toBeUndefined();
    expect(await loopsUnder(staging)).toHaveLength(1);

    await suite.publish(volume, staging, reader, true, BLOCK);
    // Before, the target was a read-only bind of the writer's loop device node: opened O_RDWR, it wrote.
    expect(['EROFS', 'EACCES', 'EPERM']).toContain(await writeThrough(reader, 'READER-1'));
    expect(await deviceReadOnly(reader)).toBe(true);
    expect(await deviceReadOnly(writer)).toBe(false);
    expect(await readDirect(writer)).toBe('WRITER-1');
    expect(await readDirect(reader)).toBe('WRITER-1');
    expect((await readFile(reader)).subarray(0, 8).toString()).toBe('WRITER-1');
    const loops = await loopsUnder(staging);
    expect(loops).toHaveLength(2);
    expect(await rdevOf(reader)).not.toBe(await rdevOf(writer));
    expect((await mountsUnder(reader)).map((m) => m.options.includes('ro'))).toEqual([true]);

    // The repeat is OK and attaches nothing more; the other readonly flag at either target is not.
    await suite.publish(volume, staging, reader, true, BLOCK);
    expect(await loopsUnder(staging)).toEqual(loops);
    expect(await publishCode(volume, staging, reader, false)).toBe(status.ALREADY_EXISTS);
    expect(await publishCode(volume, staging, writer, true)).toBe(status.ALREADY_EXISTS);
    expect(await loopsUnder(staging)).toEqual(loops);

    // Its stats: the volume's size, its condition normal.
    const stats = await suite.stats(volume, reader);
    expect(stats.usage?.[0]?.total).toBe(String(32 * MIB));
    expect(stats.volume_condition?.abnormal).toBe(false);

    // The unstage sees the readonly publish once the writer's is gone, and touches nothing.
    await suite.unpublish(volume, writer);
    expect(await codeOf(suite.unstage(volume, staging))).toBe(status.FAILED_PRECONDITION);
    expect(await loopsUnder(staging)).toEqual(loops);
    expect(await readDirect(reader)).toBe('WRITER-1');

    await suite.unpublish(volume, reader);
    expect(await loopsUnder(staging)).toHaveLength(1);
    await suite.unpublish(volume, reader);
    expect(await loopsUnder(staging)).toHaveLength(1);
    await suite.unstage(volume, staging);
    await expectNothingUnder(staging);
  });

  it('given two readonly publishes, each has its own read-only device, detached by its own unpublish', async () => {
    const { volume, staging } = await suite.stagedVolume('ro2', BLOCK);
    const first = join(suite.work, 'ro2-a');
    const second = join(suite.work, 'ro2-b');
    await suite.publish(volume, staging, first, true, BLOCK);
    await suite.publish(volume, staging, second, true, BLOCK);
    expect(await loopsUnder(staging)).toHaveLength(3);
    expect(await rdevOf(first)).not.toBe(await rdevOf(second));
    await suite.unpublish(volume, first);
    expect(await loopsUnder(staging)).toHaveLength(2);
    expect(['EROFS', 'EACCES', 'EPERM']).toContain(await writeThrough(second, 'X'));
    await suite.unpublish(volume, second);
    expect(await loopsUnder(staging)).toHaveLength(1);
    await suite.unstage(volume, staging);
    await expectNothingUnder(staging);
  });

  it('given a crash between the read-only attach and its bind, the retry and the unpublish leave no loop device', async () => {
    const { volume, staging } = await suite.stagedVolume('ro-crash', BLOCK);
    const reader = join(suite.work, 'ro-crash-r');
    await suite.publish(volume, staging, reader, true, BLOCK);
    const attached = await loopsUnder(staging);
    expect(attached).toHaveLength(2);
    // What a crash after the attach leaves: the read-only loop device, no bind at the target.
    expect((await runCommand('umount', [reader])).code).toBe(0);
    await suite.publish(volume, staging, reader, true, BLOCK);
    expect(await loopsUnder(staging)).toHaveLength(2);
    expect(['EROFS', 'EACCES', 'EPERM']).toContain(await writeThrough(reader, 'X'));

    // The same crash, then no retry: the unpublish detaches what was left.
    expect((await runCommand('umount', [reader])).code).toBe(0);
    await suite.unpublish(volume, reader);
    expect(await loopsUnder(staging)).toHaveLength(1);
    await suite.unstage(volume, staging);
    await expectNothingUnder(staging);
  });

  it('given a restarted driver, it finds the readonly publish: repeat, stats, growth and unpublish', async () => {
    const { volume, staging } = await suite.stagedVolume('ro-restart', BLOCK);
    const reader = join(suite.work, 'ro-restart-r');
    await suite.publish(volume, staging, reader, true, BLOCK);
    const loops = await loopsUnder(staging);
    expect(loops).toHaveLength(2);
    const node = await startHarness({ ceph: suite.node.ceph, role: 'node' });
    try {
      const request = {
        volume_id: volume.volume_id,
        staging_target_path: staging,
        target_path: reader,
        volume_capability: BLOCK,
      };
      await call(node.node, 'NodePublishVolume', { ...request, readonly: true });
      expect(await loopsUnder(staging)).toEqual(loops);
      expect(['EROFS', 'EACCES', 'EPERM']).toContain(await writeThrough(reader, 'X'));
      expect(await codeOf(call(node.node, 'NodePublishVolume', { ...request, readonly: false }))).toBe(
        status.ALREADY_EXISTS,
      );
      const stats = await call(node.node, 'NodeGetVolumeStats', {
        volume_id: volume.volume_id,
        volume_path: reader,
      });
      expect(stats.usage?.[0]?.total).toBe(String(32 * MIB));

      // Grown through the readonly target (no staging path): its read-only device grows too.
      await stat(join(staging, 'fuse', volume.volume_context!['imageName']!));
      await call(suite.controller.controller, 'ControllerExpandVolume', {
        volume_id: volume.volume_id,
        capacity_range: { required_bytes: 48 * MIB },
        secrets: suite.controller.secrets,
      });
      const grown = await call(node.node, 'NodeExpandVolume', {
        volume_id: volume.volume_id,
        volume_path: reader,
        capacity_range: { required_bytes: 48 * MIB },
      });
      expect(grown.capacity_bytes).toBe(String(48 * MIB));
      const size = await runCommand('blockdev', ['--getsize64', reader]);
      expect(size.stdout.trim()).toBe(String(48 * MIB));
      expect(
        await codeOf(
          call(node.node, 'NodeUnstageVolume', { volume_id: volume.volume_id, staging_target_path: staging }),
        ),
      ).toBe(status.FAILED_PRECONDITION);

      await call(node.node, 'NodeUnpublishVolume', { volume_id: volume.volume_id, target_path: reader });
      expect(await loopsUnder(staging)).toHaveLength(1);
      await call(node.node, 'NodeUnstageVolume', {
        volume_id: volume.volume_id,
        staging_target_path: staging,
      });
    } finally {
      await node.stop();
    }
    await expectNothingUnder(staging);
  });

  it('given a readonly publish of a stage whose daemon died, neither a NodeStageVolume retry nor another publish tears it down', async () => {
    const { volume, staging } = await suite.stagedVolume('ro-broken', BLOCK);
    const reader = join(suite.work, 'ro-broken-r');
    const other = join(suite.work, 'ro-broken-t2');
    await suite.publish(volume, staging, reader, true, BLOCK);
    await killDaemonOf(staging);
    expect(await suite.abnormalCondition(volume, staging)).toMatchObject({ abnormal: true });
    const before = [await mountsUnder(staging), await loopsUnder(staging), await mountsUnder(reader)];

    // The readonly publish's device is bound at its target: the stage is still used there.
    const restage = await suite
      .stage(volume, staging, BLOCK)
      .catch((e: { code: number; details: string }) => e);
    expect(restage).toMatchObject({ code: status.FAILED_PRECONDITION });
    expect((restage as { details: string }).details).toContain(`its device is still bound at ${reader}`);
    const published = await suite
      .publish(volume, staging, other, false, BLOCK, true)
      .catch((e: { code: number; details: string }) => e);
    expect((published as { details: string }).details).toContain(`its device is still bound at ${reader}`);
    expect([await mountsUnder(staging), await loopsUnder(staging), await mountsUnder(reader)]).toEqual(
      before,
    );

    await suite.unpublish(volume, reader);
    expect(await loopsUnder(staging)).toHaveLength(1);
    await suite.stage(volume, staging, BLOCK);
    expect(await loopsUnder(staging)).toHaveLength(1);
    await suite.unstage(volume, staging);
    await expectNothingUnder(staging);
  });

  it('given writes through the writer target, the reader sees them once flushed, read with O_DIRECT or after its cache is dropped', async () => {
    const { volume, staging } = await suite.stagedVolume('ro-cache', BLOCK);
    const writer = join(suite.work, 'ro-cache-w');
    const reader = join(suite.work, 'ro-cache-r');
    await suite.publish(volume, staging, writer, false, BLOCK);
    await suite.publish(volume, staging, reader, true, BLOCK);
    expect(await rdevOf(reader)).not.toBe(await rdevOf(writer));

    // Written with O_DIRECT (or fsync'ed): the next O_DIRECT read of the reader sees it.
    await writeDirect(writer, 'FIRST---');
    expect(await readDirect(reader)).toBe('FIRST---');

    // A reader holding its device open keeps what its page cache holds (each loop device has its
    // own) until that cache is dropped; O_DIRECT reads see the new data at once.
    const held = await open(reader, 'r');
    try {
      const buffer = Buffer.alloc(8);
      await held.read(buffer, 0, 8, 0);
      expect(buffer.toString()).toBe('FIRST---');
      await writeDirect(writer, 'SECOND--');
      expect(await readDirect(reader)).toBe('SECOND--');
      expect((await runCommand('blockdev', ['--flushbufs', reader])).code).toBe(0);
      await held.read(buffer, 0, 8, 0);
      expect(buffer.toString()).toBe('SECOND--');
    } finally {
      await held.close();
    }

    await suite.unpublish(volume, reader);
    await suite.unpublish(volume, writer);
    await suite.unstage(volume, staging);
    await expectNothingUnder(staging);
  });
});
