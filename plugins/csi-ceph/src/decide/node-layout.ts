/**
 * Where the node service keeps things under a staging path, and the pure bits of node work:
 *   <staging>/corral-volume.json   the per-volume record (found again after a driver restart)
 *   <staging>/fuse/                rbd-fuse mount exposing the one image as a file
 *   <staging>/fs/                  the filesystem (mount access type)
 *   <staging>/publishing/<hash>    a read-only publish begun at a target (which the file names) and
 *                                  not finished: its bind may be there, read-write, without its remount
 *   <staging>/publishing/devices/<hash>
 *                                  a read-only block publish of a read-write stage at a target (which
 *                                  the file names): it has, or may have, a read-only loop device of its
 *                                  own, which its unpublish detaches
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export const RECORD_FILE = 'corral-volume.json';

export interface StageLayout {
  readonly record: string;
  readonly fuseDir: string;
  readonly fsDir: string;
  readonly publishingDir: string;
}

export function stageLayout(stagingPath: string): StageLayout {
  return {
    record: join(stagingPath, RECORD_FILE),
    fuseDir: join(stagingPath, 'fuse'),
    fsDir: join(stagingPath, 'fs'),
    publishingDir: join(stagingPath, 'publishing'),
  };
}

/** The file marking a read-only publish of the stage at `target` as begun and not finished. */
export function publishIntentFile(stagingPath: string, target: string): string {
  const name = createHash('sha256').update(target).digest('hex').slice(0, 32);
  return join(stageLayout(stagingPath).publishingDir, name);
}

/**
 * The file recording a read-only block publish of the stage at `target` (its own read-only device):
 * written before the device is attached, removed after its unpublish detached it.
 */
export function readOnlyDeviceFile(stagingPath: string, target: string): string {
  const name = createHash('sha256').update(target).digest('hex').slice(0, 32);
  return join(stageLayout(stagingPath).publishingDir, 'devices', name);
}

/** What the node remembers of a staged volume. */
export interface StageRecord {
  readonly volumeId: string;
  readonly clusterID: string;
  readonly pool: string;
  readonly namespace: string;
  readonly image: string;
  readonly accessType: 'mount' | 'block';
  readonly fsType: string;
  /** Staged for a *_READER_ONLY access mode: attached read-only, never mkfs'd, mounted ro. */
  readonly readOnly?: boolean;
  /** The backing file inside the rbd-fuse mount. */
  readonly imageFile: string;
  /** The capability's mount_flags the filesystem was mounted with (a remount keeps them). */
  readonly mountFlags?: readonly string[];
}

/** Default mkfs options per filesystem (fast creation of thin images), unless `mkfsOptions` is given. */
export function mkfsArgs(fsType: string, options: string, device: string): string[] {
  const given = options.trim() === '' ? undefined : options.trim().split(/\s+/);
  if (fsType === 'xfs') return [...(given ?? ['-K']), device];
  return [...(given ?? ['-m0', '-Enodiscard,lazy_itable_init=1,lazy_journal_init=1']), device];
}

export interface MountEntry {
  readonly mountPoint: string;
  /** major:minor of the mounted filesystem (st_dev of its files). */
  readonly device: string;
  /** The directory of that filesystem mounted here ('/' unless a bind mount of a subdirectory or file). */
  readonly root: string;
  readonly source: string;
  readonly fsType: string;
  /** The per-mount options (mountinfo field 6: `rw`/`ro` of this mount). */
  readonly options: string;
  /** The superblock's options (after the source: `ro`, or ext4's `emergency_ro` after errors). */
  readonly superOptions: string;
}

/** Undoes /proc/self/mountinfo's octal escapes (\040 for a space…). */
export function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses /proc/self/mountinfo. */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const [fsType = '', source = '', superOptions = ''] = right.split(' ');
    const mountPoint = fields[4];
    if (mountPoint === undefined) continue;
    entries.push({
      mountPoint: unescapeMountPath(mountPoint),
      device: fields[2] ?? '',
      root: unescapeMountPath(fields[3] ?? ''),
      source: unescapeMountPath(source),
      fsType,
      options: fields[5] ?? '',
      superOptions,
    });
  }
  return entries;
}
