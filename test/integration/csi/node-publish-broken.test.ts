// NodePublishVolume of a stage that no longer serves its volume, on real Ceph (fuse mounter): its
// rbd-fuse daemon killed, or its filesystem unmounted. Kubelet calls NodeStageVolume only once while
// it holds the volume staged, so binding the dead stage handed every later pod on the node a volume
// whose I/O fails. Now the publish repairs the stage when nothing else uses it and it carries secrets
// (a node-publish Secret), and is FAILED_PRECONDITION saying what to do otherwise, publishing nothing.
// And a block stage bound at a publish target counts as published: NodeUnstageVolume and a
// NodeStageVolume retry on it dead are FAILED_PRECONDITION naming the target, touching nothing.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { fuseDaemonsOf } from '../../../plugins/csi-ceph/src/effects/node/fuse-daemons.js';
import { runCommand } from '../../support/ceph.js';
import { BLOCK, nodeSuite, type Volume } from './node-calls.js';
import { expectNothingUnder, killDaemonOf, loopsUnder, mountsUnder, writeSynced } from './node-probes.js';

const suite = nodeSuite('node-pub-broken', { sweepAfterEach: true });
const { stage, unstage, unpublish, stats, abnormalCondition } = suite;

type Failure = { code: number; details: string };

/** NodePublishVolume as kubelet sends it, with the node-publish secrets when `withSecrets`. */
const publish = (
  volume: Volume,
  staging: string,
  target: string,
  withSecrets: boolean,
  capability?: object,
) => suite.publish(volume, staging, target, false, capability, withSecrets);

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: Failure) => err,
  );

const condition = async (volume: Volume, path: string) => (await stats(volume, path)).volume_condition;

/**
 * Kills the daemon of `staging`, then waits (up to ~60 s) until the stage's condition shows it: the
 * FUSE connection may outlive the process by a moment.
 */
async function breakStage(volume: Volume, staging: string) {
  await killDaemonOf(staging);
  expect(await abnormalCondition(volume, staging)).toMatchObject({ abnormal: true });
}

/** One live daemon and one loop device serve the stage, and its condition is normal. */
async function expectServed(volume: Volume, staging: string) {
  expect(await fuseDaemonsOf(join(staging, 'fuse'))).toHaveLength(1);
  expect(await loopsUnder(staging)).toHaveLength(1);
  expect(await condition(volume, staging)).toMatchObject({ abnormal: false });
}

/** Reads 1 MiB of a block target with O_DIRECT (through the device to Ceph). */
const readsThrough = async (target: string) =>
  (await runCommand('dd', [`if=${target}`, 'of=/dev/null', 'bs=1M', 'count=1', 'iflag=direct'])).code;

describe('NodePublishVolume of a broken stage', { timeout: 120_000 }, () => {
  it('given a filesystem stage whose daemon died, refuses without secrets, and repairs it with them', async () => {
    const { volume, staging, target } = await suite.stagedVolume('fs');
    await writeSynced(join(staging, 'fs', 'kept'), 'written before the daemon died');
    await breakStage(volume, staging);

    // Before: OK, the dead filesystem bound at the target.
    const err = await failure(publish(volume, staging, target, false));
    expect(err).toMatchObject({ code: status.FAILED_PRECONDITION });
    expect(err?.details).toContain('CSI_ERR_STAGE_BROKEN');
    expect(err?.details).toMatch(/rbd-fuse daemon .* is gone/);
    expect(err?.details).toContain(`Not published at ${target}: nothing else uses it`);
    expect(err?.details).toContain('csi.storage.k8s.io/node-publish-secret-name');
    expect(await mountsUnder(target)).toEqual([]);

    await publish(volume, staging, target, true);
    await expectServed(volume, staging);
    expect(await readFile(join(target, 'kept'), 'utf8')).toBe('written before the daemon died');
    await writeFile(join(target, 'after'), 'x');
    await publish(volume, staging, target, true); // idempotent
    await unpublish(volume, target);
    await unstage(volume, staging);
    await expectNothingUnder(staging);
  });

  it('given the dead stage still published elsewhere, refuses naming that target, even with secrets', async () => {
    const { volume, staging } = await suite.stagedVolume('busy');
    const [first, second] = [join(suite.work, 'busy-t1'), join(suite.work, 'busy-t2')];
    await publish(volume, staging, first, false);
    await breakStage(volume, staging);
    const before = [await mountsUnder(staging), await loopsUnder(staging)];

    const err = await failure(publish(volume, staging, second, true));
    expect(err).toMatchObject({ code: status.FAILED_PRECONDITION });
    expect(err?.details).toContain(`its filesystem is still mounted at ${first}`);
    expect(await mountsUnder(second)).toEqual([]);
    expect([await mountsUnder(staging), await loopsUnder(staging)]).toEqual(before); // nothing changed

    // Once the other pod is gone (kubelet unpublished it), the next publish repairs the stage.
    await unpublish(volume, first);
    await publish(volume, staging, second, true);
    await expectServed(volume, staging);
    await writeFile(join(second, 'after'), 'x');
    await unpublish(volume, second);
    await unstage(volume, staging);
  });

  it('given a filesystem stage whose filesystem was unmounted, refuses without secrets, and repairs it with them', async () => {
    const { volume, staging, target } = await suite.stagedVolume('unmounted');
    await writeFile(join(staging, 'fs', 'kept'), 'kept');
    expect((await runCommand('umount', [join(staging, 'fs')])).code).toBe(0);

    const err = await failure(publish(volume, staging, target, false));
    expect(err).toMatchObject({ code: status.FAILED_PRECONDITION });
    expect(err?.details).toContain(`its filesystem is not mounted at ${staging}/fs any more`);

    await publish(volume, staging, target, true);
    await expectServed(volume, staging);
    expect(await readFile(join(target, 'kept'), 'utf8')).toBe('kept');
    await unpublish(volume, target);
    await unstage(volume, staging);
    expect(await loopsUnder(staging)).toEqual([]);
  });

  it('given a block stage whose daemon died, refuses without secrets, and repairs it with them', async () => {
    const { volume, staging, target } = await suite.stagedVolume('blk', BLOCK);
    await breakStage(volume, staging);

    // Before: OK, the dead loop device bound at the target.
    const err = await failure(publish(volume, staging, target, false, BLOCK));
    expect(err).toMatchObject({ code: status.FAILED_PRECONDITION });
    expect(err?.details).toMatch(/rbd-fuse daemon .* is gone/);
    expect(await mountsUnder(target)).toEqual([]);

    await publish(volume, staging, target, true, BLOCK);
    await expectServed(volume, staging);
    expect(await readsThrough(target)).toBe(0);
    await unpublish(volume, target);
    await unstage(volume, staging);
    expect(await loopsUnder(staging)).toEqual([]);
  });
});

describe('a block stage bound at a publish target counts as published', { timeout: 120_000 }, () => {
  it('given a published block stage, NodeUnstageVolume is FAILED_PRECONDITION naming the target and changes nothing', async () => {
    const { volume, staging, target } = await suite.stagedVolume('blk-unstage', BLOCK);
    await publish(volume, staging, target, false, BLOCK);

    // Before: OK, the loop device detached under the pod's device node.
    const err = await failure(unstage(volume, staging));
    expect(err).toMatchObject({ code: status.FAILED_PRECONDITION });
    expect(err?.details).toContain(`is still mounted at ${target}`);
    await expectServed(volume, staging);
    expect(await readsThrough(target)).toBe(0);

    await unpublish(volume, target);
    await unstage(volume, staging);
    expect(await loopsUnder(staging)).toEqual([]);
  });

  it('given a published block stage whose daemon died, a NodeStageVolume retry is FAILED_PRECONDITION naming the target', async () => {
    const { volume, staging, target } = await suite.stagedVolume('blk-restage', BLOCK);
    const other = join(suite.work, 'blk-restage-t2');
    await publish(volume, staging, target, false, BLOCK);
    await breakStage(volume, staging);
    const before = [await mountsUnder(staging), await loopsUnder(staging), await mountsUnder(target)];

    // Before: the stage was torn down and made again under the bound device node.
    const err = await failure(stage(volume, staging, BLOCK));
    expect(err).toMatchObject({ code: status.FAILED_PRECONDITION });
    expect(err?.details).toContain(`its device is still bound at ${target}`);
    // Nor does another publish repair it under that target.
    const published = await failure(publish(volume, staging, other, true, BLOCK));
    expect(published?.details).toContain(`its device is still bound at ${target}`);
    expect([await mountsUnder(staging), await loopsUnder(staging), await mountsUnder(target)]).toEqual(
      before,
    );

    await unpublish(volume, target);
    await stage(volume, staging, BLOCK);
    await expectServed(volume, staging);
    await unstage(volume, staging);
    expect(await loopsUnder(staging)).toEqual([]);
  });
});
