/**
 * NodeStageVolume / NodeUnstageVolume. Stage: validate, lock the volume, write the record first (so
 * that unstage can clean up after a crash at any step), attach (rbd-fuse + loop), mkfs only when the
 * device is blank, mount on <staging>/fs. Every step checks whether it is already done. A reader-only
 * access mode attaches read-only, never mkfs (a blank volume is FAILED_PRECONDITION) and mounts ro
 * without journal replay. A stage that fails, unless it repeats one that had completed, is undone
 * (kubelet does not unstage after a failed stage). A repeat of a stage that no longer reaches Ceph
 * (its rbd-fuse daemon gone) tears it down first and stages again, unless its filesystem is still
 * mounted elsewhere or its device bound at a block publish target (FAILED_PRECONDITION). The same
 * volume at a second staging path is refused unless both stagings are read-only. Unstage does nothing
 * at a path without a stage record, and refuses a staging path holding another volume, and a stage whose filesystem is still mounted elsewhere or
 * whose device (or a read-only publish's device of its own) is still bound at a block publish target
 * (a publish not undone: FAILED_PRECONDITION, nothing touched). The steps themselves are in stage-steps.ts.
 */
import { mkdir, rmdir } from 'node:fs/promises';
import { checkCapability } from '../../decide/capabilities.js';
import { credentialsFromSecrets } from '../../decide/credentials.js';
import { checkStageFsType, effectiveFsType } from '../../decide/fs-type.js';
import { isReaderOnly } from '../../decide/node-access.js';
import { stageLayout, type StageLayout, type StageRecord } from '../../decide/node-layout.js';
import { otherStagingConflict, restageConflict, restagePlan, stageMode } from '../../decide/node-stage.js';
import { checkUnstage } from '../../decide/node-unstage.js';
import { decodeId, isImageOfVolume } from '../../decide/volume-id.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { observeEarlierStage } from '../../effects/node/earlier-stage.js';
import { isMounted } from '../../effects/node/mounts.js';
import { readOnlyDeviceBinds } from '../../effects/node/read-only-devices.js';
import { hasStageRecord, readStageRecord, writeStageRecord } from '../../effects/node/stage-record.js';
import { stagingsOnNode } from '../../effects/node/staged-volumes.js';
import { stageUsersOf } from '../../effects/node/stage-users.js';
import type { NodeStageVolumeRequest__Output } from '../../generated/csi/v1/NodeStageVolumeRequest.js';
import type { NodeStageVolumeResponse } from '../../generated/csi/v1/NodeStageVolumeResponse.js';
import type { NodeUnstageVolumeRequest__Output } from '../../generated/csi/v1/NodeUnstageVolumeRequest.js';
import type { NodeUnstageVolumeResponse } from '../../generated/csi/v1/NodeUnstageVolumeResponse.js';
import { must, requireField } from '../request-checks.js';
import { requireNodePath, type NodeDeps } from './node-deps.js';
import { stageSteps, teardown, teardownBroken } from './stage-steps.js';

function recordFor(req: NodeStageVolumeRequest__Output, deps: NodeDeps): StageRecord {
  const id = requireField(req.volume_id, 'volume_id');
  const ref = decodeId('v1', id);
  if (!ref) throw csiError(CSI_ERR.NOT_FOUND, `volume "${id}" was not issued by this driver`);
  if (!deps.clusters.has(ref.clusterID)) {
    throw csiError(
      CSI_ERR.UNKNOWN_CLUSTER,
      `clusterID "${ref.clusterID}" is not in this node's cluster config`,
    );
  }
  const image = req.volume_context['imageName'];
  if (!image)
    throw csiError(CSI_ERR.INVALID_ARGUMENT, 'volume_context lacks imageName (set by CreateVolume)');
  if (!isImageOfVolume(image, ref.uuid)) {
    throw csiError(
      CSI_ERR.INVALID_ARGUMENT,
      `volume_context.imageName "${image}" is not the image of volume ${id} (CreateVolume names it <prefix>${ref.uuid})`,
    );
  }
  const cap = req.volume_capability;
  if (!cap) throw csiError(CSI_ERR.INVALID_ARGUMENT, 'volume_capability is required');
  const accessType = must(checkCapability(cap));
  const fsType = effectiveFsType(cap.mount?.fs_type, req.volume_context['csi.storage.k8s.io/fstype']);
  return {
    volumeId: id,
    clusterID: ref.clusterID,
    pool: ref.pool,
    namespace: ref.namespace,
    image,
    accessType,
    fsType: accessType === 'mount' ? must(checkStageFsType(fsType)) : fsType,
    readOnly: isReaderOnly(cap),
    imageFile: image,
    mountFlags: cap.mount?.mount_flags ?? [],
  };
}

/** ALREADY_EXISTS unless the record already at the staging path is this very stage. */
function checkPrevious(previous: StageRecord | undefined, record: StageRecord, staging: string): void {
  const conflict = previous && restageConflict(previous, record);
  if (conflict)
    throw csiError(CSI_ERR.NAME_CONFLICT, `${staging} cannot stage ${record.volumeId}: ${conflict}`);
}

/** FAILED_PRECONDITION when another staging path holds the volume and one of the two writes. */
async function checkOtherStagings(record: StageRecord, staging: string): Promise<void> {
  const other = otherStagingConflict(record, staging, await stagingsOnNode());
  if (!other) return;
  throw csiError(
    CSI_ERR.IN_USE,
    `volume ${record.volumeId} is already staged at ${other.path} as ${stageMode(other.record)}: ` +
      'unstage it there first (one image must not be mounted twice unless every mount is read-only)',
  );
}

/** Did a stage of this volume complete at this staging path (filesystem mounted, or device attached)? */
async function isStaged(previous: StageRecord | undefined, layout: StageLayout, deps: NodeDeps) {
  if (!previous) return false;
  if (previous.accessType === 'mount') return isMounted(layout.fsDir);
  return (await deps.mounter.device(layout.fuseDir, previous.imageFile)) !== undefined;
}

/**
 * A retry on a stage that no longer reaches Ceph (its rbd-fuse daemon killed, the plugin container
 * restarted) tears it down, so that the stage made next is a working one: what NodeUnstageVolume then
 * NodeStageVolume would do. FAILED_PRECONDITION, nothing touched, while its filesystem is mounted
 * elsewhere. Returns whether it tore the stage down.
 */
async function clearBrokenStage(
  previous: StageRecord | undefined,
  staging: string,
  given: string,
  deps: NodeDeps,
): Promise<boolean> {
  if (!previous) return false;
  const earlier = await observeEarlierStage(staging, given, previous, deps.mounter);
  if (must(restagePlan(earlier)) === 'resume') return false;
  await teardownBroken(stageLayout(staging), previous.imageFile, earlier, deps);
  return true;
}

export async function nodeStageVolume(
  req: NodeStageVolumeRequest__Output,
  deps: NodeDeps,
): Promise<NodeStageVolumeResponse> {
  const staging = await requireNodePath(req.staging_target_path, 'staging_target_path');
  const given = req.staging_target_path;
  const record = recordFor(req, deps);
  const creds = must(credentialsFromSecrets(req.secrets));
  const layout = stageLayout(staging);
  return deps.locks.with([`volume/${record.volumeId}`], async () => {
    const found = await readStageRecord(layout.record);
    checkPrevious(found, record, given);
    await checkOtherStagings(record, staging);
    const previous = (await clearBrokenStage(found, staging, given, deps)) ? undefined : found;
    // A retry of a completed stage leaves it alone whatever happens; anything else is undone on failure
    // (kubelet does not call NodeUnstageVolume after a failed stage, and the leftovers hold the image).
    const completed = await isStaged(previous, layout, deps);
    // The staging directory is kubelet's; one this call makes goes again when the stage fails.
    const made = await mkdir(staging, { recursive: true });
    try {
      await writeStageRecord(layout.record, record);
      await stageSteps(req.volume_context['mkfsOptions'] ?? '', creds, record, layout, deps);
    } catch (err) {
      if (!completed) await teardown(layout, record.imageFile, deps).catch(() => undefined);
      if (!completed && made !== undefined) await rmdir(made).catch(() => undefined);
      throw err;
    }
    return {};
  });
}

/**
 * FAILED_PRECONDITION, touching nothing, while the staged filesystem is mounted elsewhere or the
 * staged device, or a read-only device of a read-only block publish, is bound at a publish target.
 */
async function checkNotPublished(record: StageRecord, layout: StageLayout, given: string, deps: NodeDeps) {
  const device = await deps.mounter.device(layout.fuseDir, record.imageFile);
  const users = [
    ...(device ? await stageUsersOf(device, layout.fsDir) : []),
    ...(await readOnlyDeviceBinds(layout, record, deps.mounter)),
  ];
  must(checkUnstage(record.volumeId, given, users));
}

export async function nodeUnstageVolume(
  req: NodeUnstageVolumeRequest__Output,
  deps: NodeDeps,
): Promise<NodeUnstageVolumeResponse> {
  const id = requireField(req.volume_id, 'volume_id');
  const layout = stageLayout(await requireNodePath(req.staging_target_path, 'staging_target_path'));
  return deps.locks.with([`volume/${id}`], async () => {
    const record = await readStageRecord(layout.record);
    if (record && record.volumeId !== id) {
      throw csiError(
        CSI_ERR.NOT_FOUND,
        `volume ${id} is not staged at ${req.staging_target_path} (it stages ${record.volumeId})`,
      );
    }
    // The record is written before anything is made and removed after everything is gone: without
    // one, nothing of this driver is there (before, the path's fs/, fuse/ and publishing/ were
    // removed whatever they held, and a file there failed with INTERNAL).
    if (!(await hasStageRecord(layout.record))) return {};
    if (record) await checkNotPublished(record, layout, req.staging_target_path, deps);
    await teardown(layout, record?.imageFile ?? '', deps);
    return {};
  });
}
