/**
 * Pure NodeUnstageVolume decision: a stage whose filesystem is still mounted elsewhere (bind-mounted
 * at a publish target) is refused whole. Tearing it down anyway unmounted
 * <staging>/fs, then failed on the busy rbd-fuse mount: the stage was half gone (stats and further
 * publishes failed) while a pod still wrote through its bind mount. The CSI spec has the CO unpublish
 * every target first; kubelet retries the unstage, which proceeds once they are gone.
 */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';
import type { MountEntry } from './node-layout.js';

/** A device number as mountinfo writes it, "major:minor" (the kernel's new_encode_dev layout). */
export function majorMinor(rdev: bigint): string {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/**
 * Given the mount table, the staged device's major:minor and <staging>/fs, returns the other mounts of
 * a filesystem on that device (publish bind mounts, kubelet's subPath mounts). Only filesystems count:
 * one mounted holds the device, so its number cannot have been reused by another stage; a bind of a
 * device node (a block publish) holds nothing, and a stale one left from an earlier loop device of
 * the same number would block this unstage for good.
 */
export function filesystemUsers(table: readonly MountEntry[], majorMinorOf: string, fsDir: string): string[] {
  return table.filter((m) => m.mountPoint !== fsDir && m.device === majorMinorOf).map((m) => m.mountPoint);
}

/** Given the mount points still using a stage, returns pass when there is none, else IN_USE. */
export function checkUnstage(volumeId: string, staging: string, users: readonly string[]): Decision<void> {
  if (users.length === 0) return pass('unstage-in-use', undefined);
  return fail(
    'unstage-in-use',
    CSI_ERR.IN_USE,
    `volume ${volumeId} staged at ${staging} is still mounted at ${[...new Set(users)].join(', ')}: ` +
      'call NodeUnpublishVolume for each first (nothing was unstaged)',
  );
}
