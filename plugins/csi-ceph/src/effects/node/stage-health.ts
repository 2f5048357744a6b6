/**
 * What the node sees of a stage for its volume_condition (decide/volume-condition.ts): the mounter's
 * probe of the attachment, and the mount table entry of the staged filesystem and a stat of its root
 * (filesystem-sight.ts). Nothing here reads the volume: NodeGetVolumeStats stays as fast with a hung
 * or dead attachment as with a healthy one.
 */
import { stageLayout, type StageRecord } from '../../decide/node-layout.js';
import type { StageObservation } from '../../decide/volume-condition.js';
import { filesystemSight } from './filesystem-sight.js';
import type { Mounter } from './mounter.js';
import { mountAt } from './mounts.js';

export async function observeStage(
  staging: string,
  record: StageRecord,
  mounter: Mounter,
): Promise<StageObservation> {
  const layout = stageLayout(staging);
  const attach = await mounter.probe(layout.fuseDir, record.imageFile);
  const fs = record.accessType === 'mount' ? await mountAt(layout.fsDir) : undefined;
  return {
    staging,
    record,
    attach,
    ...(fs ? { fs: await filesystemSight(fs) } : {}),
  };
}
