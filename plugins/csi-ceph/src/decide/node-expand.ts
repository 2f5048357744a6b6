/**
 * Pure NodeExpandVolume decision: a stage whose volume_condition is abnormal (its rbd-fuse daemon
 * gone, its filesystem shut down or gone read-only: decide/volume-condition.ts) is not grown. Before,
 * xfs_growfs of a shut-down xfs failed with INTERNAL ("is not a mounted XFS filesystem"), and an ext4
 * gone read-only after errors was grown offline, which runs `e2fsck -f -y` on it first: a repair
 * nobody asked for, of a filesystem a person must look at.
 */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';
import type { VolumeCondition } from './volume-condition.js';

/** Given the condition of the stage to grow, returns pass when it is normal, else STAGE_BROKEN. */
export function checkExpandOfStage(condition: VolumeCondition): Decision<void> {
  const rule = 'expand-broken-stage';
  if (!condition.abnormal) return pass(rule, undefined);
  return fail(
    rule,
    CSI_ERR.STAGE_BROKEN,
    `${condition.message} It was not grown (nothing was changed): kubelet grows it with the next ` +
      'NodeExpandVolume once the volume is staged again',
  );
}
