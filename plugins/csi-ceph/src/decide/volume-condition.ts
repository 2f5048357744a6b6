/**
 * Pure NodeGetVolumeStats decision: the volume_condition of a stage, from what the node sees of it
 * cheaply (the mounter's probe of the attachment, the staged filesystem's mount options, whether
 * measuring it failed). Abnormal, with what is wrong and what to do, when the daemon behind the
 * device is gone (rbd-fuse killed, or the plugin container restarted), no device is attached any
 * more, the filesystem is not mounted, or it failed under the stage (shut down, or gone read-only
 * although staged read-write: decide/filesystem-failure.ts). Nothing reads the volume.
 */
import { filesystemFailure, type FilesystemSight } from './filesystem-failure.js';
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
  /** A mount stage's filesystem mounted at <staging>/fs (undefined: not mounted). */
  readonly fs?: FilesystemSight;
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
  return filesystemFailure(obs.fs, fsDir, obs.record);
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
