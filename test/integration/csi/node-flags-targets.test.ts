// The node service with inputs kubelet sends and the other node suites do not: mount_flags entries
// that hold several options ("noatime,ro", as a PV's mountOptions may), a block publish whose target
// file already holds data, and NodeExpandVolume of a block publish without staging_target_path
// (optional in the spec). On real Ceph with the fuse mounter; each test leaves nothing behind.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { call, codeOf } from './harness.js';
import { BLOCK, nodeSuite, RWO } from './node-calls.js';
import { expectNothingUnder, mountsUnder } from './node-probes.js';

const MIB = 1024 * 1024;
const suite = nodeSuite('node-flags', { sweepAfterEach: true });

describe('node service: mount_flags entries with several options', () => {
  it('given an ext4 stage with mount_flags ["noatime,ro"], the stage is read-only and normal, and publishes read-only', async () => {
    const capability = { ...RWO, mount: { fs_type: 'ext4', mount_flags: ['noatime,ro'] } };
    const { volume, staging, target } = await suite.stagedVolume('comma-ro', capability);
    const fs = (await mountsUnder(staging)).find((m) => m.point === join(staging, 'fs'));
    expect(fs?.options).toEqual(expect.arrayContaining(['ro', 'noatime']));

    // Before, its `ro` was not seen: a filesystem "read-only although staged read-write", the
    // condition abnormal and every publish refused (STAGE_BROKEN) although nothing was wrong.
    const stats = await suite.stats(volume, staging);
    expect(stats.volume_condition?.abnormal).toBe(false);
    await suite.publish(volume, staging, target, false, capability);
    expect((await mountsUnder(target)).map((m) => m.options.includes('ro'))).toEqual([true]);
    expect((await suite.stats(volume, target)).volume_condition?.abnormal).toBe(false);

    await suite.unpublish(volume, target);
    await suite.unstage(volume, staging);
    await expectNothingUnder(staging);
  });
});

describe('node service: a block publish target', () => {
  it('given a target file that holds data, the block publish is FAILED_PRECONDITION and leaves it as it is', async () => {
    const { volume, staging, target } = await suite.stagedVolume('blk-content', BLOCK);
    await writeFile(target, 'not a publish of this driver');

    // Before, the device was bound over the file, and the unpublish then refused what was left (a
    // file with content) with FAILED_PRECONDITION on every retry: the pod never finished terminating.
    const err = await suite
      .publish(volume, staging, target, false, BLOCK)
      .catch((e: { code?: number; details?: string }) => e);
    expect(err).toMatchObject({ code: status.FAILED_PRECONDITION });
    expect((err as { details: string }).details).toMatch(
      /is a file with content: a block publish needs an empty file/,
    );
    expect(await mountsUnder(target)).toEqual([]);
    expect(await readFile(target, 'utf8')).toBe('not a publish of this driver');

    // An empty file there (kubelet's, or one an interrupted publish made) is published and removed.
    await writeFile(target, '');
    await suite.publish(volume, staging, target, false, BLOCK);
    expect((await stat(target)).isBlockDevice()).toBe(true);
    await suite.unpublish(volume, target);
    expect(await stat(target).catch(() => undefined)).toBeUndefined();
    await suite.unstage(volume, staging);
    await expectNothingUnder(staging);
  });
});

describe('node service: NodeExpandVolume of a block publish', () => {
  it('given no staging_target_path, finds the stage from the device bound at volume_path and grows it', async () => {
    const { volume, staging, target } = await suite.stagedVolume('blk-expand', BLOCK);
    await suite.publish(volume, staging, target, false, BLOCK);
    // rbd-fuse's cached size, read just before the growth (see node-expand.test.ts).
    await stat(join(staging, 'fuse', volume.volume_context!['imageName']!));
    await call(suite.controller.controller, 'ControllerExpandVolume', {
      volume_id: volume.volume_id,
      capacity_range: { required_bytes: 48 * MIB },
      secrets: suite.controller.secrets,
    });

    // Before, only a filesystem publish was found without the staging path: NOT_FOUND.
    const grown = await call(suite.node.node, 'NodeExpandVolume', {
      volume_id: volume.volume_id,
      volume_path: target,
      volume_capability: BLOCK,
      capacity_range: { required_bytes: 48 * MIB },
    });
    expect(grown.capacity_bytes).toBe(String(48 * MIB));
    // Another volume's ID with that path is still NOT_FOUND.
    const other = await suite.newVolume('blk-expand-other', BLOCK);
    expect(
      await codeOf(
        call(suite.node.node, 'NodeExpandVolume', {
          volume_id: other.volume_id,
          volume_path: target,
          capacity_range: { required_bytes: 48 * MIB },
        }),
      ),
    ).toBe(status.NOT_FOUND);

    await suite.unpublish(volume, target);
    await suite.unstage(volume, staging);
    await expectNothingUnder(staging);
  });
});
