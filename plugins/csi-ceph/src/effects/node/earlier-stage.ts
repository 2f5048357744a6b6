/**
 * What a NodeStageVolume retry, or a NodePublishVolume of a broken stage, sees of the earlier stage
 * at its staging path (decide/node-stage.ts restagePlan, decide/node-publish.ts publishPlan): the
 * mounter's probe of the attachment, the device the staged filesystem is mounted from and whether
 * that filesystem failed, the other mounts of that filesystem and the binds of the image's device
 * node and of the read-only devices of read-only block publishes. Cheap, as NodeGetVolumeStats' probe: the mount table, sysfs and a stat of
 * the filesystem's root, nothing read from the volume.
 */
import { filesystemFailure } from '../../decide/filesystem-failure.js';
import { stageLayout, type StageRecord } from '../../decide/node-layout.js';
import type { EarlierStage } from '../../decide/node-stage.js';
import { filesystemUsers } from '../../decide/node-unstage.js';
import { filesystemSight } from './filesystem-sight.js';
import type { Mounter } from './mounter.js';
import { mountTable } from './mounts.js';
import { readOnlyDeviceBinds } from './read-only-devices.js';
import { deviceBinds } from './stage-users.js';

export async function observeEarlierStage(
  staging: string,
  given: string,
  record: StageRecord,
  mounter: Mounter,
): Promise<EarlierStage> {
  const layout = stageLayout(staging);
  const attach = await mounter.probe(layout.fuseDir, record.imageFile);
  const table = await mountTable();
  // The last entry wins when mounts are stacked.
  const fs = table.filter((m) => m.mountPoint === layout.fsDir).pop();
  // The device a block publish bound: attached, or still there behind a dead daemon.
  const device =
    attach.state === 'attached' ? attach.device : await mounter.device(layout.fuseDir, record.imageFile);
  const failure = fs && filesystemFailure(await filesystemSight(fs), layout.fsDir, record);
  return {
    volumeId: record.volumeId,
    staging: given,
    attach,
    ...(fs ? { fsSource: fs.source } : {}),
    ...(failure ? { fsFailure: failure.what } : {}),
    fsUsers: fs ? filesystemUsers(table, fs.device, layout.fsDir) : [],
    deviceUsers: [
      ...(device ? await deviceBinds(table, device) : []),
      ...(await readOnlyDeviceBinds(layout, record, mounter)),
    ],
  };
}
