/**
 * NodePublishVolume of a stage that no longer serves its volume (its rbd-fuse daemon killed, the
 * plugin container restarted, its loop device detached, its filesystem unmounted, shut down or gone
 * read-only: the volume_condition NodeGetVolumeStats reports). Binding it handed the pod a volume whose I/O
 * fails, and kubelet, which holds the volume staged, never called NodeStageVolume again. When nothing
 * else uses the stage and the publish carries credentials (a node-publish Secret), the stage is made
 * again, as NodeUnstageVolume then NodeStageVolume would, under the volume's lock; otherwise
 * FAILED_PRECONDITION (STAGE_BROKEN) says what is wrong and what to do (decide/node-publish.ts).
 */
import { credentialsFromSecrets, type Credentials } from '../../decide/credentials.js';
import { stageLayout, type StageRecord } from '../../decide/node-layout.js';
import { publishPlan } from '../../decide/node-publish.js';
import { volumeCondition, type VolumeCondition } from '../../decide/volume-condition.js';
import { observeEarlierStage } from '../../effects/node/earlier-stage.js';
import { observeStage } from '../../effects/node/stage-health.js';
import { writeStageRecord } from '../../effects/node/stage-record.js';
import { must } from '../request-checks.js';
import type { NodeDeps } from './node-deps.js';
import { stageSteps, teardownBroken } from './stage-steps.js';

/** A path as the request gave it (for messages) and in its one spelling (for everything else). */
interface RequestPath {
  readonly path: string;
  readonly given: string;
}

/** The stage's volume_condition, reported at the staging path as given. */
async function conditionOf(
  staging: RequestPath,
  record: StageRecord,
  deps: NodeDeps,
): Promise<VolumeCondition> {
  const observed = await observeStage(staging.path, record, deps.mounter);
  return volumeCondition({ ...observed, staging: staging.given });
}

/** The publish's credentials, when its secrets carry usable ones. */
function repairCredentials(secrets: Readonly<Record<string, string>> | undefined): Credentials | undefined {
  const creds = credentialsFromSecrets(secrets);
  return creds.status === 'pass' ? creds.value : undefined;
}

/** Tears the broken stage down and makes it again from its record, with the publish's credentials. */
async function restage(staging: RequestPath, record: StageRecord, creds: Credentials, deps: NodeDeps) {
  const layout = stageLayout(staging.path);
  const earlier = await observeEarlierStage(staging.path, staging.given, record, deps.mounter);
  await teardownBroken(layout, record.imageFile, earlier, deps);
  // The record first, as NodeStageVolume: a repair that fails leaves it, so that a retry repairs again
  // and NodeUnstageVolume cleans up. The filesystem exists already: no mkfs options are needed.
  await writeStageRecord(layout.record, record);
  await stageSteps('', creds, record, layout, deps);
}

/**
 * Returns once the stage at `staging` serves its volume: at once when its condition is normal; after
 * staging it again when it is broken, nothing else uses it and `secrets` carry credentials. Else
 * throws STAGE_BROKEN, nothing changed.
 */
export async function ensureStageServes(
  staging: RequestPath,
  record: StageRecord,
  target: string,
  secrets: Readonly<Record<string, string>> | undefined,
  deps: NodeDeps,
): Promise<void> {
  if (!(await conditionOf(staging, record, deps)).abnormal) return;
  await deps.locks.with([`volume/${record.volumeId}`], async () => {
    const condition = await conditionOf(staging, record, deps);
    if (!condition.abnormal) return;
    const users = await observeEarlierStage(staging.path, staging.given, record, deps.mounter);
    const creds = repairCredentials(secrets);
    must(publishPlan({ condition, users, target, canRepair: creds !== undefined }));
    if (creds) await restage(staging, record, creds, deps);
  });
}
