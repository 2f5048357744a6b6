/**
 * Pure decision: has a staged filesystem failed under a live stage, from what the node sees of it
 * cheaply (its mountinfo options, and whether a stat of its root fails)? The device under it may be
 * fine; the filesystem is not:
 * - xfs shut down (after I/O or metadata errors, or `xfs_io -x -c shutdown`): mountinfo still shows
 *   it `rw` and statfs still answers the last numbers, but a stat of any file, its root included,
 *   answers EIO, as does every read and write;
 * - ext4 shut down (the same ioctl, or a failing journal device): `shutdown` in its super options;
 * - ext4 after an error with `errors=remount-ro`: `emergency_ro` in its super options (`ro` on older
 *   kernels), or any filesystem remounted read-only by hand, when it was staged read-write.
 * The stat of the root reads nothing from the device: the root inode is always in memory.
 */
import { flagsMountReadOnly } from './mount-flags.js';
import type { StageRecord } from './node-layout.js';

/** What the node sees of a mounted filesystem. */
export interface FilesystemSight {
  /** The per-mount options (mountinfo field 6). */
  readonly options: string;
  /** The superblock's options (mountinfo's last field). */
  readonly superOptions: string;
  /** Why a stat of its root failed (an errno code), when it did. */
  readonly rootError?: string;
}

/** What is wrong with a staged filesystem, and what to add to the remedy. */
export interface FilesystemFailure {
  readonly what: string;
  readonly hint: string;
}

const REPAIR_HINT =
  ' (the filesystem is then mounted afresh, its log replayed); if it fails again, repair it ' +
  '(xfs_repair or e2fsck of the image, after a copy) while it is unstaged: nothing repairs it automatically';

/** The flag that makes a mount read-only ('ro', 'emergency_ro'), or undefined when it is writable. */
export function readOnlyFlag(fs: Pick<FilesystemSight, 'options' | 'superOptions'>): string | undefined {
  const flags = [...fs.options.split(','), ...fs.superOptions.split(',')];
  return ['ro', 'emergency_ro'].find((flag) => flags.includes(flag));
}

/**
 * Was the stage meant to be read-only (a reader-only access mode, or an `ro` mount option, also
 * within a flag such as "noatime,ro": flagsMountReadOnly)?
 */
export function stagedReadOnly(record: Pick<StageRecord, 'readOnly' | 'mountFlags'>): boolean {
  return record.readOnly === true || flagsMountReadOnly(record.mountFlags ?? []);
}

/**
 * Given what the node sees of the filesystem mounted at `fsDir` and the stage's record, returns what
 * is wrong with it (the first of: it fails every stat, it was shut down, it went read-only although
 * staged read-write), or undefined when it serves its volume.
 */
export function filesystemFailure(
  fs: FilesystemSight,
  fsDir: string,
  record: Pick<StageRecord, 'readOnly' | 'mountFlags'>,
): FilesystemFailure | undefined {
  if (fs.rootError !== undefined) {
    return {
      what:
        `its filesystem at ${fsDir} has failed: a stat of it answers ${fs.rootError} (xfs shuts a ` +
        'filesystem down after I/O or metadata errors: see the kernel log), so every read and write fails',
      hint: REPAIR_HINT,
    };
  }
  if (fs.superOptions.split(',').includes('shutdown')) {
    return {
      what:
        `its filesystem at ${fsDir} was shut down (ext4 \`shutdown\`: after I/O errors, or by an ` +
        'ioctl; see the kernel log), so every read and write fails',
      hint: REPAIR_HINT,
    };
  }
  const flag = readOnlyFlag(fs);
  if (!flag || stagedReadOnly(record)) return undefined;
  return {
    what:
      `its filesystem at ${fsDir} is read-only (${flag}) although staged read-write: the kernel ` +
      'stopped writes after filesystem or I/O errors (see the kernel log), or it was remounted read-only',
    hint: REPAIR_HINT,
  };
}
