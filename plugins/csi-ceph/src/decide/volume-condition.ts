/**
 * Pure NodeGetVolumeStats decision: the volume_condition of a stage, from what the node sees of it
 * cheaply (the mounter's probe of the attachment, the staged filesystem's mount options, whether
 * measuring it failed). Abnormal, with what is wrong and what to do, when the daemon behind the
 * device is gone (rbd-fuse killed, or the plugin container restarted), no device is attached any
 * more, the filesystem is not mounted, or a read-write stage's filesystem went read-only (ext4
 * `errors=remount-ro` shows `ro`, or `emergency_ro` on newer kernels). Nothing reads the volume.
 */
import type { StageRecord } from './node-layout.js';

/** The attachment of a stage's image, as the mounter probed it. */
export type AttachProbe =
  | { readonly state: 'attached'; readonly device: string }
  /** No device for the image (the loop device was detached, the image unmapped). */
  | { readonly state: 'detached' }
  /** A device may be there, but what serves it is gone; `reason` says what. */
  | { readonly state: 'broken'; readonly reason: string };

export interface StageObservation {
  readonly staging: string;
  readonly record: Pick<StageRecord, 'volumeId' | 'accessType' | 'readOnly' | 'mountFlags'>;
  readonly attach: AttachProbe;
  /** A mount stage's filesystem mount at <staging>/fs (undefined: not mounted). */
  readonly fs?: { readonly options: string; readonly superOptions: string };
  /** Why measuring the volume failed (an errno code or message), when it did. */
  readonly usageError?: string;
}

export interface VolumeCondition {
  readonly abnormal: boolean;
  readonly message: string;
}

const RESTAGE = 'To recover, restart the pods using it, so that kubelet unstages and stages it again';

/** What is wrong, and what to add to the remedy. */
interface Problem {
  readonly what: string;
  readonly hint?: string;
}

/** The flag that makes a mount read-only ('ro', 'emergency_ro'), or undefined when it is writable. */
export function readOnlyFlag(fs: {
  readonly options: string;
  readonly superOptions: string;
}): string | undefined {
  const flags = [...fs.options.split(','), ...fs.superOptions.split(',')];
  return ['ro', 'emergency_ro'].find((flag) => flags.includes(flag));
}

/** Was the stage meant to be read-only (a reader-only access mode, or an `ro` mount flag)? */
function stagedReadOnly(record: StageObservation['record']): boolean {
  return record.readOnly === true || (record.mountFlags ?? []).includes('ro');
}

function attachProblem(attach: AttachProbe): Problem | undefined {
  if (attach.state === 'broken') {
    return { what: `${attach.reason}, so its device no longer reaches Ceph and its I/O fails` };
  }
  if (attach.state === 'detached') {
    return {
      what: 'no device is attached for its image any more (its loop device was detached, or unmapped)',
    };
  }
  return undefined;
}

function filesystemProblem(obs: StageObservation): Problem | undefined {
  if (obs.record.accessType !== 'mount') return undefined;
  const fsDir = `${obs.staging}/fs`;
  if (!obs.fs) return { what: `its filesystem is not mounted at ${fsDir} any more` };
  const flag = readOnlyFlag(obs.fs);
  if (!flag || stagedReadOnly(obs.record)) return undefined;
  return {
    what:
      `its filesystem at ${fsDir} is read-only (${flag}) although staged read-write: the kernel ` +
      'stopped writes after filesystem or I/O errors (see the kernel log), or it was remounted read-only',
    hint: '; if it goes read-only again, repair it (e2fsck or xfs_repair of the image) while unstaged',
  };
}

function usageProblem(obs: StageObservation): Problem | undefined {
  return obs.usageError === undefined ? undefined : { what: `measuring it failed (${obs.usageError})` };
}

/** Given what the node sees of a stage, returns its volume_condition (never reads the volume). */
export function volumeCondition(obs: StageObservation): VolumeCondition {
  const problem = attachProblem(obs.attach) ?? filesystemProblem(obs) ?? usageProblem(obs);
  const where = `volume ${obs.record.volumeId} staged at ${obs.staging}`;
  if (problem) {
    return { abnormal: true, message: `${where}: ${problem.what}. ${RESTAGE}${problem.hint ?? ''}.` };
  }
  const device = obs.attach.state === 'attached' ? obs.attach.device : 'its device';
  const what =
    obs.record.accessType === 'mount' ? `its filesystem is mounted on ${device}` : `attached as ${device}`;
  return { abnormal: false, message: `${where}: ${what}` };
}
