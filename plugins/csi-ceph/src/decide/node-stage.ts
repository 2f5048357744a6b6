/**
 * Pure NodeStageVolume decisions: whether the record already at a staging path is this very stage
 * (a retry) or a conflicting one, and whether another staging of the same volume on this node forbids
 * this one (two read-write mounts of one image, or a writer under a reader, corrupt or confuse it).
 */
import type { StageRecord } from './node-layout.js';

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
