/**
 * The steps of a stage, shared by NodeStageVolume and the repair of a broken stage by
 * NodePublishVolume: make it (attach, mkfs when blank, mount), and take it down.
 */
import { mkdir, rm } from 'node:fs/promises';
import type { Credentials } from '../../decide/credentials.js';
import { stageMountOptions } from '../../decide/node-access.js';
import type { StageLayout, StageRecord } from '../../decide/node-layout.js';
import type { EarlierStage } from '../../decide/node-stage.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { isBlank, isReadOnlyDevice, makeFilesystem } from '../../effects/node/filesystem.js';
import { detachLoopBackedBy } from '../../effects/node/loop-devices.js';
import { isMounted, mount, unmountAll } from '../../effects/node/mounts.js';
import { removeStageRecord } from '../../effects/node/stage-record.js';
import type { NodeDeps } from './node-deps.js';

/** Unmounts, detaches and removes everything under the staging path (idempotent). */
export async function teardown(layout: StageLayout, imageFile: string, deps: NodeDeps): Promise<void> {
  await unmountAll(layout.fsDir);
  await deps.mounter.detach(layout.fuseDir, imageFile);
  await rm(layout.fsDir, { recursive: true, force: true });
  await rm(layout.fuseDir, { recursive: true, force: true });
  await rm(layout.publishingDir, { recursive: true, force: true });
  await removeStageRecord(layout.record);
}

/**
 * Takes down a stage that no longer serves its volume: teardown, then the loop device its filesystem
 * was mounted from when that was not the image's attached one (after `fuse/` was unmounted lazily,
 * sysfs shows its backing file elsewhere, and teardown detached only the image's).
 */
export async function teardownBroken(
  layout: StageLayout,
  imageFile: string,
  earlier: Pick<EarlierStage, 'fsSource'>,
  deps: NodeDeps,
): Promise<void> {
  await teardown(layout, imageFile, deps);
  if (earlier.fsSource) await detachLoopBackedBy(earlier.fsSource, imageFile);
}

/** A read-only stage must not write: no mkfs, and the device must really be read-only. */
async function checkReadOnlyDevice(device: string, record: StageRecord) {
  if (!(await isReadOnlyDevice(device))) {
    throw csiError(
      CSI_ERR.NODE_COMMAND,
      `${device} for volume ${record.volumeId} is attached read-write, not read-only: unstage it first`,
    );
  }
  if (record.accessType === 'mount' && (await isBlank(device))) {
    throw csiError(
      CSI_ERR.NO_FILESYSTEM,
      `volume ${record.volumeId} has no filesystem and a read-only access mode cannot make one: ` +
        'stage it once with a writer access mode (or pre-populate it) before mounting it read-only',
    );
  }
}

/** Attach, mkfs when blank (with `mkfsOptions`, '' for the defaults), mount: each step skipped when already done. */
export async function stageSteps(
  mkfsOptions: string,
  creds: Credentials,
  record: StageRecord,
  layout: StageLayout,
  deps: NodeDeps,
): Promise<void> {
  const readOnly = record.readOnly === true;
  const device = await deps.mounter.attach({
    monitors: deps.clusters.get(record.clusterID)?.monitors ?? [],
    ...creds,
    pool: record.pool,
    namespace: record.namespace,
    image: record.image,
    workDir: layout.fuseDir,
    readOnly,
  });
  if (readOnly) await checkReadOnlyDevice(device, record);
  if (record.accessType === 'block' || (await isMounted(layout.fsDir))) return;
  if (await isBlank(device)) await makeFilesystem(device, record.fsType, mkfsOptions);
  await mkdir(layout.fsDir, { recursive: true });
  const flags = record.mountFlags ?? [];
  await mount(device, layout.fsDir, stageMountOptions(record.fsType, flags, readOnly), record.fsType);
}
