/**
 * Pure NodePublishVolume decisions: whether a publish asks for the volume as it was staged, and what
 * to do when the stage no longer serves it. A volume staged as a filesystem must not be handed out as
 * a raw block device (a pod writing to the device under the mounted filesystem corrupts it), nor a
 * block stage as a filesystem, nor an ext4 stage as xfs. The CSI spec: a publish with another
 * volume_capability SHOULD be FAILED_PRECONDITION.
 */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';
import type { StageRecord } from './node-layout.js';
import { stageMode, stageUsersText, type EarlierStage } from './node-stage.js';
import type { VolumeCondition } from './volume-condition.js';

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

/** What a publish finds of the stage it names, when that stage's condition is abnormal. */
export interface BrokenStagePublish {
  /** The stage's volume_condition (decide/volume-condition.ts), as NodeGetVolumeStats reports it. */
  readonly condition: VolumeCondition;
  /** What still uses the stage (publish binds of its filesystem or device). */
  readonly users: Pick<EarlierStage, 'fsUsers' | 'deviceUsers'>;
  /** The publish's target_path as given (for messages). */
  readonly target: string;
  /** The publish carries credentials (its secrets' userID and userKey) to stage the volume again with. */
  readonly canRepair: boolean;
}

/**
 * Given a publish of a stage whose condition is abnormal (its rbd-fuse daemon gone, its device
 * detached, its filesystem unmounted or gone read-only), returns `repair` when nothing else uses the
 * stage and the publish carries credentials: stage it again, as NodeUnstageVolume then
 * NodeStageVolume would, then publish. Kubelet never calls NodeStageVolume again while it holds the
 * volume staged, so binding the dead stage gave the pod a volume whose I/O fails, for good. Else
 * STAGE_BROKEN (FAILED_PRECONDITION: kubelet keeps the pod waiting and retries with backoff, showing
 * the message in the pod's events), saying what is wrong and what to do; nothing is published.
 */
export function publishPlan(found: BrokenStagePublish): Decision<'repair'> {
  const rule = 'publish-broken-stage';
  const users = stageUsersText(found.users);
  const refuse = (why: string) =>
    fail<'repair'>(
      rule,
      CSI_ERR.STAGE_BROKEN,
      `${found.condition.message} Not published at ${found.target}: ${why} (nothing was changed)`,
    );
  if (users !== '') {
    return refuse(
      `${users}, so it cannot be staged again under those mounts; the pods using it there must go first`,
    );
  }
  if (!found.canRepair) {
    return refuse(
      'nothing else uses it, but this NodePublishVolume carries no secrets (userID, userKey) to stage it ' +
        'again with: delete the pods using the volume on this node, or give its StorageClass ' +
        'csi.storage.k8s.io/node-publish-secret-name and -namespace (the node-stage Secret) for new ' +
        'volumes, whose publishes then repair such a stage',
    );
  }
  return pass(rule, 'repair');
}
