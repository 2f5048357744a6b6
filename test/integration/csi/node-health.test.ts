// The node service's view of a staged volume's health, on real Ceph (fuse mounter: rbd-fuse + loop):
// NodeGetVolumeStats reports volume_condition abnormal, with what is wrong and what to do, when the
// rbd-fuse daemon serving the stage is gone, the staged filesystem went read-only, or the loop
// device of a block stage was detached; a stage whose daemon died can still be unstaged. And a
// read-only publish interrupted between its bind and its read-only remount (its mark written, its
// bind done, the remount not) is completed by the retry; a completed read-write publish is not. A
// NodeStageVolume retry on a stage whose daemon died stages it again (FAILED_PRECONDITION while its
// filesystem is still published).
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { publishIntentFile } from '../../../plugins/csi-ceph/src/decide/node-layout.js';
import { fuseDaemonsOf } from '../../../plugins/csi-ceph/src/effects/node/fuse-daemons.js';
import { markPublishBegun } from '../../../plugins/csi-ceph/src/effects/node/publish-intent.js';
import { runCommand } from '../../support/ceph.js';
import { codeOf } from './harness.js';
import { BLOCK, nodeSuite, type Volume } from './node-calls.js';
import {
  expectNothingUnder,
  killDaemonOf,
  loopsBackedBy,
  loopsUnder,
  mountsUnder,
  sleep,
  writeSynced,
} from './node-probes.js';

const suite = nodeSuite('node-health', { sweepAfterEach: true });
const { newVolume, stage, unstage, publish, unpublish, stats, abnormalCondition } = suite;

describe('node service: volume condition', { timeout: 120_000 }, () => {
  it('given a healthy stage and publish, the condition is normal', async () => {
    const { volume, staging, target } = await suite.stagedVolume('healthy');
    await publish(volume, staging, target);
    await writeFile(join(target, 'data'), 'x'.repeat(1 << 20));
    // Past rbd-fuse's entry and attribute timeouts (1 s): a revalidated image file is not "gone".
    await sleep(2500);
    expect(await readFile(join(target, 'data'), 'utf8')).toHaveLength(1 << 20);
    for (const path of [staging, target]) {
      const condition = (await stats(volume, path)).volume_condition;
      expect(condition).toMatchObject({ abnormal: false });
      expect(condition?.message).toMatch(/filesystem is mounted on \/dev\/loop\d+/);
    }
    await unpublish(volume, target);
    await unstage(volume, staging);
  });

  it('given the rbd-fuse daemon of a filesystem stage killed, stats are abnormal, and unstage cleans up', async () => {
    const { volume, staging, target } = await suite.stagedVolume('dead-fs');
    await publish(volume, staging, target);
    await killDaemonOf(staging);

    for (const path of [target, staging]) {
      const condition = await abnormalCondition(volume, path);
      expect(condition).toMatchObject({ abnormal: true });
      expect(condition?.message).toMatch(/rbd-fuse daemon .* is gone/);
      expect(condition?.message).toMatch(/restart the pods/);
    }
    // Usage is still answered: the filesystem is mounted, only its device no longer reaches Ceph.
    expect((await stats(volume, target)).usage?.map((u) => u.unit)).toEqual(['BYTES', 'INODES']);

    // What the message asks for (the pod restarted: unpublish, unstage) must work with the daemon gone.
    await unpublish(volume, target);
    await unstage(volume, staging);
    await expectNothingUnder(staging);
    expect(await codeOf(stats(volume, staging))).toBe(status.NOT_FOUND);
  });

  it('given the rbd-fuse daemon of a block stage killed, stats are abnormal, not NOT_FOUND', async () => {
    const { volume, staging } = await suite.stagedVolume('dead-blk', BLOCK);
    await killDaemonOf(staging);

    const condition = await abnormalCondition(volume, staging);
    expect(condition).toMatchObject({ abnormal: true });
    expect(condition?.message).toMatch(/rbd-fuse daemon .* is gone/);

    await unstage(volume, staging);
    await expectNothingUnder(staging);
  });

  it('given the loop device of a block stage detached, stats are abnormal', async () => {
    const { volume, staging } = await suite.stagedVolume('detached', BLOCK);
    const loops = await loopsUnder(staging);
    expect(loops).toHaveLength(1);
    await runCommand('losetup', ['-d', loops[0]!]);

    const condition = await abnormalCondition(volume, staging);
    expect(condition).toMatchObject({ abnormal: true });
    expect(condition?.message).toMatch(/no device is attached/);
    await unstage(volume, staging);
    expect(await mountsUnder(staging)).toEqual([]);
  });

  it.each([
    ['remounted ro', 'remount,ro'],
    ['aborted after errors (emergency ro)', 'remount,abort'],
  ])('given a read-write stage whose filesystem was %s, stats are abnormal', async (label, options) => {
    const volume = await newVolume(`ro-${label.length}`);
    const [staging, target] = [
      join(suite.work, `ro-${label.length}-s`),
      join(suite.work, `ro-${label.length}-t`),
    ];
    await stage(volume, staging);
    await publish(volume, staging, target);
    expect((await stats(volume, target)).volume_condition).toMatchObject({ abnormal: false });
    expect((await runCommand('mount', ['-o', options, join(staging, 'fs')])).code).toBe(0);

    const condition = await abnormalCondition(volume, target);
    expect(condition).toMatchObject({ abnormal: true });
    expect(condition?.message).toMatch(/filesystem .* is read-only/);
    expect(condition?.message).toMatch(/restart the pods/);

    await unpublish(volume, target);
    await unstage(volume, staging);
    expect(await mountsUnder(staging)).toEqual([]);
  });
});

describe(
  'node service: a read-only publish interrupted before its read-only remount',
  { timeout: 60_000 },
  () => {
    /**
     * The state a crash between the bind and the read-only remount leaves: the publish's mark (written
     * before the bind) and a read-write bind of `source` at `target`.
     */
    async function interruptedPublish(staging: string, source: string, target: string) {
      await markPublishBegun(publishIntentFile(staging, target), target);
      expect((await runCommand('mount', ['--bind', source, target])).code).toBe(0);
    }

    it('given a read-write bind of the stage at the target, the readonly retry completes it', async () => {
      const [volume, other] = [await newVolume('ro-retry'), await newVolume('ro-retry-other')];
      const [staging, otherStaging] = [join(suite.work, 'ro-retry-s'), join(suite.work, 'ro-retry-o')];
      const [target, otherTarget] = [join(suite.work, 'ro-retry-t'), join(suite.work, 'ro-retry-ot')];
      await stage(volume, staging);
      await stage(other, otherStaging);
      await mkdir(target);
      await mkdir(otherTarget);
      await interruptedPublish(staging, join(staging, 'fs'), target);
      // A mark of this volume's stage where another volume is bound (its publish, not this one).
      await interruptedPublish(staging, join(otherStaging, 'fs'), otherTarget);

      await publish(volume, staging, target, true);
      const mounts = await mountsUnder(target);
      expect(mounts).toHaveLength(1); // remounted, not bound again on top
      expect(mounts[0]?.options).toContain('ro');
      await expect(writeFile(join(target, 'x'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
      await publish(volume, staging, target, true); // idempotent now
      // The same volume read-only where read-write is asked, and another volume, stay ALREADY_EXISTS.
      expect(await codeOf(publish(volume, staging, target, false))).toBe(status.ALREADY_EXISTS);
      expect(await codeOf(publish(volume, staging, otherTarget, true))).toBe(status.ALREADY_EXISTS);
      expect((await mountsUnder(otherTarget))[0]?.options).toContain('rw');
      // The stage itself stays read-write.
      await writeFile(join(staging, 'fs', 'still-rw'), 'x');

      await unpublish(volume, target);
      await unpublish(other, otherTarget);
      await unstage(volume, staging);
      await unstage(other, otherStaging);
      expect(await readdir(staging)).toEqual([]); // the marks went with the stage
    });

    it('given a completed read-write publish (no mark), a readonly publish stays ALREADY_EXISTS', async () => {
      const { volume, staging, target } = await suite.stagedVolume('rw-done');
      await publish(volume, staging, target);
      expect(await codeOf(publish(volume, staging, target, true))).toBe(status.ALREADY_EXISTS);
      expect((await mountsUnder(target))[0]?.options).toContain('rw');
      await publish(volume, staging, join(suite.work, 'rw-done-ro'), true);
      expect(await readdir(join(staging, 'publishing'))).toEqual([]); // a finished publish leaves no mark
      await unpublish(volume, target);
      await unpublish(volume, join(suite.work, 'rw-done-ro'));
      await unstage(volume, staging);
    });

    it('given a read-write bind of a block stage at the target, the readonly retry completes it', async () => {
      const { volume, staging, target } = await suite.stagedVolume('ro-retry-blk', BLOCK);
      const [device] = await loopsUnder(staging);
      await writeFile(target, '');
      await interruptedPublish(staging, device!, target);

      await publish(volume, staging, target, true, BLOCK);
      const mounts = await mountsUnder(target);
      expect(mounts).toHaveLength(1);
      expect(mounts[0]?.options).toContain('ro');

      await unpublish(volume, target);
      await unstage(volume, staging);
    });
  },
);

/** The source of the mount at `dir` (the last one when mounts are stacked). */
async function mountSourceOf(dir: string): Promise<string | undefined> {
  const lines = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n');
  const entries = lines.filter((l) => l.split(' ')[4] === dir);
  return entries.pop()?.split(' - ')[1]?.split(' ')[1];
}

describe('node service: a NodeStageVolume retry after the rbd-fuse daemon died', { timeout: 120_000 }, () => {
  /** Stats of the stage are normal, served by one live daemon and one loop device backing the filesystem. */
  async function expectHealthy(volume: Volume, staging: string, filesystem: boolean) {
    expect((await stats(volume, staging)).volume_condition).toMatchObject({ abnormal: false });
    expect(await fuseDaemonsOf(join(staging, 'fuse'))).toHaveLength(1);
    const loops = await loopsUnder(staging);
    expect(loops).toHaveLength(1);
    if (filesystem) expect(await mountSourceOf(join(staging, 'fs'))).toBe(loops[0]);
  }

  it('given a filesystem stage, stages it again: the data is back and the condition normal', async () => {
    const { volume, staging, target } = await suite.stagedVolume('restage-fs');
    await writeSynced(join(staging, 'fs', 'kept'), 'written before the daemon died');
    await killDaemonOf(staging);
    await abnormalCondition(volume, staging);

    await stage(volume, staging);
    await expectHealthy(volume, staging, true);
    await stage(volume, staging); // a repeat of the repaired stage is idempotent
    await publish(volume, staging, target);
    expect(await readFile(join(target, 'kept'), 'utf8')).toBe('written before the daemon died');
    await writeFile(join(target, 'after'), 'x');
    await unpublish(volume, target);
    await unstage(volume, staging);
    await expectNothingUnder(staging);
  });

  it('given a filesystem stage still published, answers FAILED_PRECONDITION naming the target; unpublished, stages it again', async () => {
    const { volume, staging, target } = await suite.stagedVolume('restage-pub');
    await publish(volume, staging, target);
    await killDaemonOf(staging);
    // The FUSE connection may outlive the process by a moment: until then a retry sees it attached.
    await abnormalCondition(volume, staging);
    const before = [await mountsUnder(staging), await loopsUnder(staging)];

    const err = await stage(volume, staging).catch((e: { code: number; details: string }) => e);
    expect(err).toMatchObject({ code: status.FAILED_PRECONDITION });
    const details = (err as { details: string }).details;
    expect(details).toContain(`its filesystem is still mounted at ${target}`);
    expect(details).toMatch(/rbd-fuse daemon .* is gone/);
    expect(details).toMatch(/restart the pods using it/);
    expect([await mountsUnder(staging), await loopsUnder(staging)]).toEqual(before); // nothing changed

    await unpublish(volume, target);
    await stage(volume, staging);
    await expectHealthy(volume, staging, true);
    await unstage(volume, staging);
    expect(await mountsUnder(staging)).toEqual([]);
  });

  it('given a block stage, stages it again with a live device', async () => {
    const { volume, staging } = await suite.stagedVolume('restage-blk', BLOCK);
    await killDaemonOf(staging);
    await abnormalCondition(volume, staging);

    await stage(volume, staging, BLOCK);
    await expectHealthy(volume, staging, false);
    const [device] = await loopsUnder(staging);
    const read = await runCommand('dd', [
      `if=${device!}`,
      'of=/dev/null',
      'bs=1M',
      'count=1',
      'iflag=direct',
    ]);
    expect(read.code).toBe(0);
    await unstage(volume, staging);
    expect(await loopsUnder(staging)).toEqual([]);
  });

  it('given the dead rbd-fuse mount also unmounted lazily, stages it again on the new device, leaving no loop device behind', async () => {
    const { volume, staging } = await suite.stagedVolume('restage-lazy');
    await killDaemonOf(staging);
    expect((await runCommand('umount', ['-l', join(staging, 'fuse')])).code).toBe(0);

    await stage(volume, staging);
    // Before, the retry attached a second loop device and answered OK, the filesystem left on the dead one.
    await expectHealthy(volume, staging, true);
    // The old loop device (its backing file now shown as `/<image>`) was detached, not left behind.
    expect(await loopsBackedBy(volume.volume_context!['imageName']!)).toEqual(await loopsUnder(staging));
    await unstage(volume, staging);
    expect(await mountsUnder(staging)).toEqual([]);
    expect(await loopsBackedBy(volume.volume_context!['imageName']!)).toEqual([]);
  });

  it('given NodeUnstageVolume then NodeStageVolume (the pods restarted), stages it again', async () => {
    const { volume, staging } = await suite.stagedVolume('restage-unstaged');
    await killDaemonOf(staging);
    await unstage(volume, staging);
    await stage(volume, staging);
    await expectHealthy(volume, staging, true);
    await unstage(volume, staging);
  });
});

describe('node service: the condition does not hide a path that is no volume', () => {
  it('given a directory that is not mounted, stats stay NOT_FOUND', async () => {
    const volume = await newVolume('nothing');
    const dir = join(suite.work, 'nothing');
    await mkdir(dir);
    expect(await codeOf(stats(volume, dir))).toBe(status.NOT_FOUND);
  });
});
