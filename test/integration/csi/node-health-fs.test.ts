// A staged filesystem that failed under a live stage, on real Ceph (fuse mounter: rbd-fuse + loop):
// an xfs shut down (as after I/O or metadata errors: `xfs_io -x -c 'shutdown -f'`), an ext4 mounted
// with errors=remount-ro after a real error (sysfs trigger_fs_error: the kernel aborts the journal
// and sets emergency_ro), an ext4 shut down. The daemon and the loop device are fine; only the
// filesystem is not. Before: NodeGetVolumeStats of the pod's path answered NOT_FOUND for the xfs (a
// stat of it fails with EIO) and a normal condition with the last numbers at the staging path; a
// second publish bound the failed filesystem into a new pod; a NodeStageVolume retry answered OK;
// NodeExpandVolume answered INTERNAL (xfs_growfs) or grew the ext4. Now the condition is abnormal
// (with the usage still answered: kubelet drops a condition that comes without usage), the publish,
// the retry and the expansion are FAILED_PRECONDITION while a pod uses the stage, and once it is
// unpublished, an unstage leaves nothing behind and the stage made again (by NodeStageVolume, or by
// a publish carrying secrets) mounts the filesystem again: its log replayed, the synced data there.
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { runCommand } from '../../support/ceph.js';
import { call, createVolume, unique } from './harness.js';
import { nodeSuite, type Volume } from './node-calls.js';
import { expectNothingUnder, loopsBackedBy, loopsUnder, mountsUnder, writeSynced } from './node-probes.js';

const suite = nodeSuite('node-health-fs', { sweepAfterEach: true });
const { stage, unstage, unpublish, stats } = suite;

const MIB = 1024 * 1024;
const RWO = { mode: 'SINGLE_NODE_WRITER' };
const XFS = { mount: { fs_type: 'xfs' }, access_mode: RWO };
const EXT4 = { mount: { fs_type: 'ext4' }, access_mode: RWO };
const EXT4_REMOUNT_RO = { mount: { fs_type: 'ext4', mount_flags: ['errors=remount-ro'] }, access_mode: RWO };

/** A call's answer: code 0, or the status code and details of its error. */
type Answer = { code: number; details?: string };
const answerOf = (promise: Promise<unknown>): Promise<Answer> =>
  promise.then(
    () => ({ code: 0 }),
    (err: Answer) => ({ code: err.code, details: err.details }),
  );

/** NodePublishVolume as kubelet sends it, with the node-publish secrets when `withSecrets`. */
const publish = (volume: Volume, staging: string, target: string, capability: object, withSecrets = false) =>
  suite.publish(volume, staging, target, false, capability, withSecrets);

/** NodeExpandVolume as kubelet sends it for a pod's volume (no new size: the device's). */
const expand = (volume: Volume, path: string, staging: string) =>
  call(suite.node.node, 'NodeExpandVolume', {
    volume_id: volume.volume_id,
    volume_path: path,
    staging_target_path: staging,
  });

/** The kernel's own ways for a filesystem to fail, done to the one mounted at `fsDir`. */
async function shutDown(fsDir: string): Promise<void> {
  expect((await runCommand('xfs_io', ['-x', '-c', 'shutdown -f', fsDir])).code).toBe(0);
}

/** A real ext4 error (the kernel's test hook), as corrupt metadata found by the filesystem raises. */
async function ext4Error(fsDir: string, staging: string): Promise<void> {
  const [loop] = await loopsUnder(staging);
  await writeFile(`/sys/fs/ext4/${basename(loop!)}/trigger_fs_error`, '1');
  // errors=remount-ro: the journal is aborted and the filesystem stops writes.
  await expect(writeFile(join(fsDir, 'after-error'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
}

type Recovery = 'unstage' | 'restage' | 'publish';

interface Failure {
  readonly label: string;
  readonly capability: object;
  readonly fail: (fsDir: string, staging: string) => Promise<void>;
  /** What the condition says is wrong. */
  readonly what: RegExp;
  /** How the stage is made whole once the pod is gone. */
  readonly recovery: Recovery;
}

const FAILURES: Failure[] = [
  {
    label: 'xfs-down',
    capability: XFS,
    fail: shutDown,
    what: /filesystem at .*\/fs has failed: a stat of it answers EIO/,
    recovery: 'unstage',
  },
  {
    label: 'xfs-down-repair',
    capability: XFS,
    fail: shutDown,
    what: /filesystem at .*\/fs has failed: a stat of it answers EIO/,
    recovery: 'publish',
  },
  {
    label: 'ext4-error',
    capability: EXT4_REMOUNT_RO,
    fail: ext4Error,
    what: /filesystem at .*\/fs is read-only \(emergency_ro\) although staged read-write/,
    recovery: 'restage',
  },
  {
    label: 'ext4-down',
    capability: EXT4,
    fail: shutDown,
    what: /filesystem at .*\/fs was shut down/,
    recovery: 'unstage',
  },
];

/** What every node RPC answers about the failed stage while the pod at `target` still uses it. */
async function answersWhileUsed(volume: Volume, staging: string, target: string, f: Failure) {
  const second = `${target}2`;
  const answers = {
    statsOfTarget: await answerOf(stats(volume, target)),
    statsOfStaging: await answerOf(stats(volume, staging)),
    publishElsewhere: await answerOf(publish(volume, staging, second, f.capability, true)),
    expand: await answerOf(expand(volume, target, staging)),
    stageRetry: await answerOf(stage(volume, staging, f.capability)),
  };
  const refused = (code: string, more: string) => ({
    code: status.FAILED_PRECONDITION,
    details: expect.stringMatching(new RegExp(`${code}.*${f.what.source}.*${more}`)) as unknown,
  });
  const used = `its filesystem is still mounted at ${target}`;
  expect(answers).toMatchObject({
    statsOfTarget: { code: 0 },
    statsOfStaging: { code: 0 },
    publishElsewhere: refused('CSI_ERR_STAGE_BROKEN', used),
    expand: refused('CSI_ERR_STAGE_BROKEN', 'not grown'),
    stageRetry: refused('CSI_ERR_IN_USE', used),
  });
  for (const path of [target, staging]) {
    const answer = await stats(volume, path);
    expect(answer.volume_condition?.abnormal).toBe(true);
    expect(answer.volume_condition?.message).toMatch(f.what);
    expect(answer.volume_condition?.message).toMatch(/restart the pods using it/);
    // kubelet drops the condition of an answer without usage: the last numbers are reported.
    expect(answer.usage?.map((u) => u.unit)).toEqual(['BYTES', 'INODES']);
  }
  expect(await mountsUnder(second)).toEqual([]);
}

/** Makes the failed, unused stage whole again the way `recovery` says, and publishes it at `target`. */
async function recover(volume: Volume, staging: string, target: string, f: Failure): Promise<void> {
  if (f.recovery === 'unstage') {
    await unstage(volume, staging);
    await expectNothingUnder(staging);
    expect(await loopsBackedBy(volume.volume_context!['imageName']!)).toEqual([]);
    await stage(volume, staging, f.capability);
  } else if (f.recovery === 'restage') {
    await stage(volume, staging, f.capability);
  }
  // Without secrets a publish cannot stage it again: FAILED_PRECONDITION, saying what to do.
  if (f.recovery === 'publish') {
    const refused = await answerOf(publish(volume, staging, target, f.capability));
    expect(refused).toMatchObject({ code: status.FAILED_PRECONDITION });
    expect(refused.details).toMatch(f.what);
    expect(refused.details).toContain('carries no secrets');
    expect(await mountsUnder(target)).toEqual([]);
  }
  await publish(volume, staging, target, f.capability, true);
}

describe('node service: a staged filesystem that failed', { timeout: 180_000 }, () => {
  it.each(FAILURES)(
    'given $label, reports it, refuses to hand it out, and cleans up ($recovery)',
    async (f) => {
      const { staging, target } = suite.paths(f.label);
      const volume = (
        await createVolume(suite.controller, {
          name: unique(`node-health-fs-${f.label}`),
          bytes: 320 * MIB,
          capability: f.capability,
        })
      ).volume!;
      await stage(volume, staging, f.capability);
      await publish(volume, staging, target, f.capability);
      await writeSynced(join(target, 'kept'), 'written before the filesystem failed');
      expect((await stats(volume, target)).volume_condition).toMatchObject({ abnormal: false });

      await f.fail(join(staging, 'fs'), staging);
      await answersWhileUsed(volume, staging, target, f);

      // What the message asks for: the pod goes (kubelet unpublishes), then the stage is made again.
      await unpublish(volume, target);
      expect(await mountsUnder(target)).toEqual([]);
      await recover(volume, staging, target, f);

      expect((await stats(volume, target)).volume_condition).toMatchObject({ abnormal: false });
      expect(await readFile(join(target, 'kept'), 'utf8')).toBe('written before the filesystem failed');
      await writeFile(join(target, 'after'), 'x');
      await unpublish(volume, target);
      await unstage(volume, staging);
      await expectNothingUnder(staging);
      expect(await loopsBackedBy(volume.volume_context!['imageName']!)).toEqual([]);
    },
  );
});
