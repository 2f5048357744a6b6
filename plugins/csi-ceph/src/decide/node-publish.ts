/**
 * Pure NodePublishVolume decision: whether a publish asks for the volume as it was staged. A volume
 * staged as a filesystem must not be handed out as a raw block device (a pod writing to the device
 * under the mounted filesystem corrupts it), nor a block stage as a filesystem, nor an ext4 stage as
 * xfs. The CSI spec: a publish with another volume_capability SHOULD be FAILED_PRECONDITION.
 */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';
import type { StageRecord } from './node-layout.js';
import { stageMode } from './node-stage.js';

/** What a publish request asks for: its access type, and the fs_type of a mount capability ('' none). */
export interface PublishWanted {
  readonly kind: 'mount' | 'block';
  readonly fsType: string;
}

/**
 * Given the record of the stage a publish names and what the publish asks for, returns pass when the
 * stage serves it (an empty fs_type accepts the staged filesystem), else STAGE_MISMATCH.
 */
export function checkPublishOfStage(record: StageRecord, wanted: PublishWanted): Decision<void> {
  const rule = 'publish-capability';
  const asked = wanted.kind === 'block' ? 'block' : `mount${wanted.fsType ? ` ${wanted.fsType}` : ''}`;
  const sameKind = record.accessType === wanted.kind;
  const sameFs = wanted.kind === 'block' || wanted.fsType === '' || wanted.fsType === record.fsType;
  if (sameKind && sameFs) return pass(rule, undefined);
  return fail(
    rule,
    CSI_ERR.STAGE_MISMATCH,
    `volume ${record.volumeId} is staged as ${stageMode(record)}, and cannot be published as ${asked}: ` +
      'publish it with the capability it was staged with',
  );
}
