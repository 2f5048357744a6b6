/**
 * NodeExpandVolume, online or offline (the plugin advertises ONLINE volume expansion): the device is
 * refreshed until it shows the size asked for (device-refresh.ts), and so are the read-only devices
 * of read-only block publishes (publish-read-only.ts); a block volume is then done,
 * published or not; xfs grows mounted; ext4 grows offline (unmount, e2fsck, resize2fs, mount) when
 * the volume is only staged, online when it is published, which needs CAP_SYS_RESOURCE: a node
 * plugin without it answers FAILED_PRECONDITION (kubelet then stops retrying on this node and the
 * filesystem grows when the volume is next staged); a reader-only stage is not grown (nothing is
 * written); a broken stage (its filesystem shut down or gone read-only, its rbd-fuse daemon gone) is
 * not grown: FAILED_PRECONDITION (STAGE_BROKEN). Paths are compared in one spelling (see
 * canonicalPath). NodeGetVolumeStats is in volume-stats.ts.
 */
import { dirname } from 'node:path';
import { rangeBounds } from '../../decide/capacity.js';
import { stageMountOptions } from '../../decide/node-access.js';
import { stageLayout, type StageRecord } from '../../decide/node-layout.js';
import { checkExpandOfStage } from '../../decide/node-expand.js';
import { volumeCondition } from '../../decide/volume-condition.js';
import { decodeId } from '../../decide/volume-id.js';
import { CSI_ERR, csiError } from '../../errors.js';
import {
  deviceBytes,
  ext4Bytes,
  filesystemUsage,
  growExt4Offline,
  growExt4Online,
  growXfsMounted,
} from '../../effects/node/filesystem.js';
import { refreshToSize } from '../../effects/node/device-refresh.js';
import { mountedAt } from '../../effects/node/mount-identity.js';
import { mount, mountAt, mountTable, unmountAll } from '../../effects/node/mounts.js';
import { canGrowMountedExt4 } from '../../effects/node/process-capabilities.js';
import { isDeviceOfStage, readOnlyDevicesOf } from '../../effects/node/read-only-devices.js';
import { observeStage } from '../../effects/node/stage-health.js';
import { readStageRecord } from '../../effects/node/stage-record.js';
import type { NodeExpandVolumeRequest__Output } from '../../generated/csi/v1/NodeExpandVolumeRequest.js';
import type { NodeExpandVolumeResponse } from '../../generated/csi/v1/NodeExpandVolumeResponse.js';
import { must, requireField } from '../request-checks.js';
import { requireNodePath, requirePath, type NodeDeps } from './node-deps.js';

function knownVolume(id: string): void {
  if (!decodeId('v1', id)) throw csiError(CSI_ERR.NOT_FOUND, `volume "${id}" was not issued by this driver`);
}

/**
 * The staging path of a block stage of volume `id` whose device (or one of its read-only publish
 * devices) is the node bound at volume_path (a block publish), found among the rbd-fuse mounts
 * (`<staging>/fuse`) of the mount table.
 */
async function blockStagingOf(path: string, id: string, deps: NodeDeps): Promise<string | undefined> {
  const published = await mountedAt(path);
  if (published?.kind !== 'block') return undefined;
  const stagings = (await mountTable())
    .filter((m) => m.mountPoint.endsWith('/fuse'))
    .map((m) => dirname(m.mountPoint));
  for (const staging of new Set(stagings)) {
    const layout = stageLayout(staging);
    const record = await readStageRecord(layout.record);
    if (record?.volumeId !== id || record.accessType !== 'block') continue;
    if (await isDeviceOfStage(published, layout, record, deps.mounter)) return staging;
  }
  return undefined;
}

/**
 * The staging path: given, or found from the mount that backs volume_path: a publish bind mount of
 * a staged filesystem, or of a block stage's device node (the spec makes staging_target_path
 * optional; before, a block volume without it was NOT_FOUND).
 */
async function stagingOf(
  req: NodeExpandVolumeRequest__Output,
  id: string,
  deps: NodeDeps,
): Promise<string | undefined> {
  if (req.staging_target_path) return requireNodePath(req.staging_target_path, 'staging_target_path');
  const path = await requireNodePath(req.volume_path, 'volume_path');
  const published = await mountAt(path);
  if (!published) return undefined;
  const staged = (await mountTable()).find(
    (m) => m.source === published.source && m.mountPoint.endsWith('/fs'),
  );
  return staged ? dirname(staged.mountPoint) : blockStagingOf(path, id, deps);
}

async function growExt4(record: StageRecord, device: string, fsDir: string): Promise<void> {
  if ((await ext4Bytes(device)) >= (await deviceBytes(device))) return;
  const published = (await mountTable()).some((m) => m.source === device && m.mountPoint !== fsDir);
  if (!published) {
    await unmountAll(fsDir);
    await growExt4Offline(device);
    // Mounted again as NodeStageVolume mounted it (StorageClass mountOptions such as noexec kept).
    const options = stageMountOptions(record.fsType, record.mountFlags ?? [], record.readOnly === true);
    await mount(device, fsDir, options, record.fsType);
    return;
  }
  const later = 'the filesystem grows when the volume is next staged (after its pods stop)';
  if (!(await canGrowMountedExt4())) {
    throw csiError(
      CSI_ERR.IN_USE,
      `volume ${record.volumeId} is published, and growing a mounted ext4 needs CAP_SYS_RESOURCE, which ` +
        `this node plugin lacks (run it privileged, as deploy/csi-ceph does): ${later}`,
    );
  }
  await growExt4Online(device).catch((err: unknown) => {
    throw csiError(
      CSI_ERR.IN_USE,
      `volume ${record.volumeId} is published and resize2fs could not grow its mounted ext4: ${later}`,
      { cause: err },
    );
  });
}

/**
 * STAGE_BROKEN, nothing grown, when the stage's volume_condition is abnormal (its filesystem shut
 * down or gone read-only, its rbd-fuse daemon gone): decide/node-expand.ts. `given` names it.
 */
async function checkStageServes(staging: string, given: string, record: StageRecord, deps: NodeDeps) {
  const observed = await observeStage(staging, record, deps.mounter);
  must(checkExpandOfStage(volumeCondition({ ...observed, staging: given })));
}

/** The size kubelet asks for (the PV's new size), when it says. */
function requiredBytes(req: NodeExpandVolumeRequest__Output): bigint | undefined {
  // Negative bytes, or required over limit: OUT_OF_RANGE (before, a negative size answered OK).
  const { required } = must(rangeBounds(req.capacity_range));
  return required > 0n ? required : undefined;
}

export async function nodeExpandVolume(
  req: NodeExpandVolumeRequest__Output,
  deps: NodeDeps,
): Promise<NodeExpandVolumeResponse> {
  const id = requireField(req.volume_id, 'volume_id');
  requirePath(req.volume_path, 'volume_path');
  knownVolume(id);
  const wanted = requiredBytes(req);
  const staging = await stagingOf(req, id, deps);
  const layout = staging ? stageLayout(staging) : undefined;
  return deps.locks.with([`volume/${id}`], async () => {
    const record = layout ? await readStageRecord(layout.record) : undefined;
    const device = record && layout ? await deps.mounter.device(layout.fuseDir, record.imageFile) : undefined;
    if (!staging || !layout || !record || record.volumeId !== id || !device) {
      throw csiError(
        CSI_ERR.NOT_FOUND,
        `volume ${id} is not staged on this node (volume_path ${req.volume_path})`,
      );
    }
    await checkStageServes(staging, req.staging_target_path || staging, record, deps);
    const bytes = await refreshToSize(deps.mounter, device, wanted, id);
    // The read-only devices of read-only block publishes take the image file's new size too.
    for (const readOnly of await readOnlyDevicesOf(layout, record, deps.mounter))
      await deps.mounter.refresh(readOnly);
    if (record.accessType === 'block') return { capacity_bytes: bytes.toString() };
    // A reader-only stage never writes: its filesystem grows when a writer stages the volume.
    if (record.readOnly === true) {
      return { capacity_bytes: (await filesystemUsage(layout.fsDir)).totalBytes.toString() };
    }
    if (record.fsType === 'xfs') await growXfsMounted(layout.fsDir);
    else await growExt4(record, device, layout.fsDir);
    return { capacity_bytes: (await filesystemUsage(layout.fsDir)).totalBytes.toString() };
  });
}
