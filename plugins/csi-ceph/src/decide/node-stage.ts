/**
 * Pure NodeStageVolume decisions: whether the record already at a staging path is this very stage
 * (a retry) or a conflicting one, whether a retry resumes that stage or must first tear it down (what
 * serves it died), and whether another staging of the same volume on this node forbids this one (two
 * read-write mounts of one image, or a writer under a reader, corrupt or confuse it).
 */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';
import type { StageRecord } from './node-layout.js';
import type { AttachProbe } from './volume-condition.js';

/** How a record stages its volume, for messages: "mount ext4", "block (read-only)". */
export function stageMode(record: StageRecord): string {
  const kind = record.accessType === 'mount' ? `mount ${record.fsType}` : 'block';
  return `${kind}${record.readOnly === true ? ' (read-only)' : ''}`;
}

/**
 * Given the record already at a staging path and the one a request would write there, returns
 * undefined when the request repeats that stage (idempotent), else why it conflicts (the CSI spec's
 * ALREADY_EXISTS: same volume, incompatible capability; or another volume).
 */
export function restageConflict(previous: StageRecord, wanted: StageRecord): string | undefined {
  if (previous.volumeId !== wanted.volumeId) {
    return `it stages volume ${previous.volumeId} as ${stageMode(previous)}`;
  }
  return stageMode(previous) === stageMode(wanted)
    ? undefined
    : `it stages this volume as ${stageMode(previous)}, not ${stageMode(wanted)}`;
}

/** A staging path on this node and the record found there. */
export interface Staging {
  readonly path: string;
  readonly record: StageRecord;
}

/**
 * Given the stagings found on this node, returns the one that forbids staging `wanted` at `path`:
 * another staging of the same volume unless both are read-only. Undefined when there is none.
 */
export function otherStagingConflict(
  wanted: StageRecord,
  path: string,
  stagings: readonly Staging[],
): Staging | undefined {
  return stagings.find(
    (s) =>
      s.path !== path &&
      s.record.volumeId === wanted.volumeId &&
      !(s.record.readOnly === true && wanted.readOnly === true),
  );
}

/** What a retry finds of an earlier stage of the same volume, in the same mode, at its staging path. */
export interface EarlierStage {
  readonly volumeId: string;
  /** The staging path as the request gave it (for messages). */
  readonly staging: string;
  /** The mounter's probe of the image's attachment. */
  readonly attach: AttachProbe;
  /** The device the staged filesystem is mounted from (a mount stage; undefined when not mounted). */
  readonly fsSource?: string;
  /**
   * What is wrong with the staged filesystem itself, when it failed under the stage (shut down, or
   * read-only although staged read-write: decide/filesystem-failure.ts).
   */
  readonly fsFailure?: string;
  /** The other mount points of the staged filesystem (publish bind mounts, kubelet's subPath mounts). */
  readonly fsUsers: readonly string[];
  /** Where the image's device node is bound (block publishes, and kubelet's binds of them). */
  readonly deviceUsers: readonly string[];
}

/** What still uses the earlier stage, for messages ('' when nothing does). */
export function stageUsersText(earlier: Pick<EarlierStage, 'fsUsers' | 'deviceUsers'>): string {
  const list = (paths: readonly string[]) => [...new Set(paths)].join(', ');
  return [
    earlier.fsUsers.length > 0 ? `its filesystem is still mounted at ${list(earlier.fsUsers)}` : '',
    earlier.deviceUsers.length > 0 ? `its device is still bound at ${list(earlier.deviceUsers)}` : '',
  ]
    .filter((text) => text !== '')
    .join(', and ');
}

/**
 * Why the earlier stage no longer serves its volume ("no longer reaches Ceph: …", "no longer serves
 * its volume: …"), or undefined when it still does (or is partial).
 */
function brokenStage(earlier: EarlierStage): string | undefined {
  const { attach, fsSource } = earlier;
  const unreachable = (why: string) => `no longer reaches Ceph: ${why}`;
  if (attach.state === 'broken') return unreachable(attach.reason);
  if (fsSource === undefined) return undefined;
  if (attach.state === 'detached')
    return unreachable(`its filesystem is mounted from ${fsSource}, but no device is attached for its image`);
  if (fsSource !== attach.device)
    return unreachable(
      `its filesystem is mounted from ${fsSource}, not from the image's device ${attach.device}`,
    );
  return earlier.fsFailure === undefined ? undefined : `no longer serves its volume: ${earlier.fsFailure}`;
}

/**
 * Given what a NodeStageVolume retry finds of the earlier stage at its staging path, returns
 * `resume` when that stage still serves the volume (each step then checks whether it is done),
 * `restage` when what served it is gone (its rbd-fuse daemon killed, the plugin container restarted)
 * or its filesystem failed (shut down, gone read-only) and nothing else uses it: tear it down and
 * stage afresh, as NodeUnstageVolume then NodeStageVolume would (the mount replays the filesystem's
 * log; nothing repairs it), so that the next pod gets a working volume. While its filesystem is still
 * mounted elsewhere or its device bound at a block publish target (a publish not undone),
 * FAILED_PRECONDITION naming those mounts, as NodeUnstageVolume answers.
 */
export function restagePlan(earlier: EarlierStage): Decision<'resume' | 'restage'> {
  const rule = 'restage-broken';
  const broken = brokenStage(earlier);
  if (broken === undefined) return pass(rule, 'resume');
  const users = stageUsersText(earlier);
  if (users === '') return pass(rule, 'restage');
  return fail(
    rule,
    CSI_ERR.IN_USE,
    `volume ${earlier.volumeId} staged at ${earlier.staging} ${broken}; ` +
      `${users}, so it cannot be staged again yet: restart the pods using it (kubelet then unpublishes ` +
      'it) and the stage is made again (nothing was changed)',
  );
}
