// The node service on real Ceph (fuse mounter: rbd-fuse + loop): reader-only access modes stage
// read-only (read-only loop device, no mkfs, ro mount), NodePublishVolume is idempotent only for the
// very same publish (ALREADY_EXISTS otherwise), and NodeGetVolumeStats answers only for a mount of
// the volume asked about.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { runCommand } from '../../support/ceph.js';
import { call, codeOf } from './harness.js';
import { nodeSuite, RWO, type Volume } from './node-calls.js';

const MIB = 1024 * 1024;
const ROX = { mount: { fs_type: 'ext4' }, access_mode: { mode: 'MULTI_NODE_READER_ONLY' } };
const BLOCK = { block: {}, access_mode: { mode: 'SINGLE_NODE_WRITER' } };

const suite = nodeSuite('node-access');
const { newVolume, stage, unstage, publish, unpublish } = suite;
const stats = (volume: Volume, path: string) =>
  call(suite.node.node, 'NodeGetVolumeStats', { volume_id: volume.volume_id, volume_path: path });

/** The per-mount options of the mount at `path` (from /proc/self/mountinfo). */
async function mountOptions(path: string): Promise<string[] | undefined> {
  const lines = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n');
  const line = lines.filter((l) => l.split(' ')[4] === path).pop();
  return line?.split(' ')[5]?.split(',');
}

/** The loop device(s) behind a staging path's rbd-fuse image file. */
async function loopsOf(staging: string, volume: Volume): Promise<string[]> {
  const file = join(staging, 'fuse', volume.volume_context!['imageName']!);
  const out = await runCommand('losetup', ['-j', file]);
  return out.stdout
    .split('\n')
    .map((line) => line.split(':')[0] ?? '')
    .filter((dev) => dev.startsWith('/dev/'));
}

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('expected the call to fail');
}

describe('node service: reader-only access modes', () => {
  it('given a volume with data, two MULTI_NODE_READER_ONLY stagings attach read-only and mount ro', async () => {
    const volume = await newVolume('rox', ROX);
    const writer = join(suite.work, 'rox-writer');
    await stage(volume, writer);
    await writeFile(join(writer, 'fs', 'data.txt'), 'from the writer');
    await unstage(volume, writer);

    const [s1, s2, target] = [
      join(suite.work, 'rox-s1'),
      join(suite.work, 'rox-s2'),
      join(suite.work, 'rox-t'),
    ];
    await stage(volume, s1, ROX);
    await stage(volume, s2, ROX);
    await stage(volume, s1, ROX); // idempotent
    for (const staging of [s1, s2]) {
      expect(await mountOptions(join(staging, 'fs'))).toContain('ro');
      const [loop] = await loopsOf(staging, volume);
      expect((await runCommand('blockdev', ['--getro', loop!])).stdout.trim()).toBe('1');
      expect(await readFile(join(staging, 'fs', 'data.txt'), 'utf8')).toBe('from the writer');
      await expect(writeFile(join(staging, 'fs', 'x.txt'), 'x')).rejects.toThrow(/read-only/i);
    }
    // Staging the same path read-write now conflicts.
    expect(await codeOf(stage(volume, s1, RWO))).toBe(status.ALREADY_EXISTS);

    // Published without the readonly flag, a reader-only volume is still read-only.
    await publish(volume, s1, target, false, ROX);
    await publish(volume, s1, target, false, ROX); // idempotent
    expect(await mountOptions(target)).toContain('ro');
    await expect(writeFile(join(target, 'x.txt'), 'x')).rejects.toThrow(/read-only/i);
    await unpublish(volume, target);
    await unstage(volume, s1);
    await unstage(volume, s2);
  });

  it('given a blank volume, a reader-only stage is FAILED_PRECONDITION and makes no filesystem', async () => {
    const volume = await newVolume('rox-blank', ROX);
    const staging = join(suite.work, 'blank-ro');
    const err = await rejection(
      stage(volume, staging, { ...ROX, access_mode: { mode: 'SINGLE_NODE_READER_ONLY' } }),
    );
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(err.details).toMatch(/no filesystem/);
    expect(await mountOptions(join(staging, 'fuse'))).toBeUndefined(); // rolled back

    // Still blank: attached as a block volume, blkid finds nothing (exit 2).
    const raw = join(suite.work, 'blank-raw');
    await stage(volume, raw, BLOCK);
    const [loop] = await loopsOf(raw, volume);
    expect((await runCommand('blkid', ['-p', loop!])).code).toBe(2);
    await unstage(volume, raw);
  });
});

describe('node service: publish conflicts and stats identity', () => {
  it('given a published target, the same publish is OK and any other is ALREADY_EXISTS', async () => {
    const [a, b] = [await newVolume('pub-a'), await newVolume('pub-b')];
    const [sa, sb, t] = [join(suite.work, 'pub-sa'), join(suite.work, 'pub-sb'), join(suite.work, 'pub-t')];
    await stage(a, sa);
    await stage(b, sb);
    await publish(a, sa, t);
    await publish(a, sa, t); // idempotent
    expect(await codeOf(publish(a, sa, t, true))).toBe(status.ALREADY_EXISTS);
    expect(await codeOf(publish(b, sb, t))).toBe(status.ALREADY_EXISTS);
    expect(await codeOf(publish(a, sa, t, false, BLOCK))).toBe(status.ALREADY_EXISTS);
    // Still a's target, read-write, after the refused calls.
    expect((await stats(a, t)).volume_condition).toMatchObject({ abnormal: false });
    expect(await mountOptions(t)).toContain('rw');

    const tro = join(suite.work, 'pub-tro');
    await publish(a, sa, tro, true);
    await publish(a, sa, tro, true); // idempotent
    expect(await codeOf(publish(a, sa, tro, false))).toBe(status.ALREADY_EXISTS);

    const plain = join(suite.work, 'pub-plain');
    await mkdir(plain);
    expect(await codeOf(stats(a, plain))).toBe(status.NOT_FOUND);
    expect(await codeOf(stats(b, t))).toBe(status.NOT_FOUND);
    expect(await codeOf(stats(a, join(sa, 'fs')))).toBe(0);
    const own = await stats(b, join(sb, 'fs'));
    expect(Number(own.usage!.find((u) => u.unit === 'BYTES')!.total)).toBeGreaterThan(16 * MIB);

    for (const target of [t, tro]) await unpublish(a, target);
    expect(await codeOf(stats(a, t))).toBe(status.NOT_FOUND);
    await unstage(a, sa);
    await unstage(b, sb);
  });

  it('given a published block volume, the same publish is OK, others ALREADY_EXISTS, stats only for it', async () => {
    const [blk, fs] = [await newVolume('blk', BLOCK), await newVolume('blk-fs')];
    const [sblk, sfs, t] = [
      join(suite.work, 'blk-s'),
      join(suite.work, 'blk-sfs'),
      join(suite.work, 'blk-t'),
    ];
    await stage(blk, sblk, BLOCK);
    await stage(fs, sfs);
    await publish(blk, sblk, t, false, BLOCK);
    await publish(blk, sblk, t, false, BLOCK); // idempotent
    expect(await codeOf(publish(blk, sblk, t, true, BLOCK))).toBe(status.ALREADY_EXISTS);
    expect(await codeOf(publish(fs, sfs, t))).toBe(status.ALREADY_EXISTS);

    const total = (await stats(blk, t)).usage!.find((u) => u.unit === 'BYTES')!.total;
    expect(Number(total)).toBe(32 * MIB);
    expect(await codeOf(stats(fs, t))).toBe(status.NOT_FOUND);

    await unpublish(blk, t);
    await unstage(blk, sblk);
    await unstage(fs, sfs);
  });
});
