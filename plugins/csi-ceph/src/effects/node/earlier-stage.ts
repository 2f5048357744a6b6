/**
 * What a NodeStageVolume retry sees of the earlier stage at its staging path (decide/node-stage.ts
 * restagePlan): the mounter's probe of the attachment, the device the staged filesystem is mounted
 * from, and the other mounts of that filesystem. Cheap, as NodeGetVolumeStats' probe: the mount
 * table and sysfs, nothing read from the volume.
 */
import { stageLayout, type StageRecord } from '../../decide/node-layout.js';
import type { EarlierStage } from '../../decide/node-stage.js';
import { filesystemUsers } from '../../decide/node-unstage.js';
import type { Mounter } from './mounter.js';
import { mountTable } from './mounts.js';

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
  return {
    volumeId: record.volumeId,
    staging: given,
    attach,
    ...(fs ? { fsSource: fs.source } : {}),
    fsUsers: fs ? filesystemUsers(table, fs.device, layout.fsDir) : [],
  };
}
