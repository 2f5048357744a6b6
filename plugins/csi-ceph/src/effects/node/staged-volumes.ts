/**
 * The stagings on this node, found from the mount table: every rbd-fuse mount at <staging>/fuse and
 * filesystem at <staging>/fs whose staging path holds a stage record. (A krbd/rbd-nbd block staging
 * mounts nothing, so it is not found here.)
 */
import { dirname } from 'node:path';
import { stageLayout } from '../../decide/node-layout.js';
import type { Staging } from '../../decide/node-stage.js';
import { mountTable } from './mounts.js';
import { readStageRecord } from './stage-record.js';

export async function stagingsOnNode(): Promise<Staging[]> {
  const paths = (await mountTable())
    .filter((m) => m.mountPoint.endsWith('/fuse') || m.mountPoint.endsWith('/fs'))
    .map((m) => dirname(m.mountPoint));
  const stagings: Staging[] = [];
  for (const path of new Set(paths)) {
    const record = await readStageRecord(stageLayout(path).record);
    if (record) stagings.push({ path, record });
  }
  return stagings;
}
