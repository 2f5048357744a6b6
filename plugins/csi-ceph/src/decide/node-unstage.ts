/**
 * Pure NodeUnstageVolume decision: a stage still used elsewhere is refused whole. Its filesystem
 * bind-mounted at a publish target (or by kubelet's subPath mounts), or its device node bound at a
 * block publish target: tearing it down anyway unmounted <staging>/fs, then failed on the busy
 * rbd-fuse mount (the stage was half gone while a pod still wrote through its bind mount), or, for a
 * block volume, detached the loop device under the pod's device node. The CSI spec has the CO
 * unpublish every target first; kubelet retries the unstage, which proceeds once they are gone.
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
 * a filesystem on that device (publish bind mounts, kubelet's subPath mounts).
 */
export function filesystemUsers(table: readonly MountEntry[], majorMinorOf: string, fsDir: string): string[] {
  return table.filter((m) => m.mountPoint !== fsDir && m.device === majorMinorOf).map((m) => m.mountPoint);
}

const isUnder = (path: string, dir: string) =>
  dir === '/' ? path.startsWith('/') : path === dir || path.startsWith(`${dir}/`);

/**
 * Given the mount table and a device node's path (e.g. /dev/loop3, symlinks resolved), returns the
 * mount points where that node is bound: block publishes, and kubelet's binds of them. A bind mount of
 * a file shows, in mountinfo, the filesystem holding the file and the file's path within it (its
 * root), so the node's own (device, root) is computed from the mount it lives under. A bind holds no
 * reference to the device: one left behind when the loop device was detached by hand still names the
 * number, and would count for a later stage given that number until it is unpublished; kubelet
 * unpublishes it when its pod goes.
 */
export function deviceNodeBinds(table: readonly MountEntry[], nodePath: string): string[] {
  const holder = table
    .filter((m) => m.mountPoint !== nodePath && isUnder(nodePath, m.mountPoint))
    .reduce<MountEntry | undefined>(
      (best, m) => (best === undefined || m.mountPoint.length >= best.mountPoint.length ? m : best),
      undefined,
    );
  if (!holder) return [];
  const inside = nodePath.slice(holder.mountPoint === '/' ? 0 : holder.mountPoint.length);
  const root = holder.root === '/' ? inside : `${holder.root}${inside}`;
  return table.filter((m) => m.device === holder.device && m.root === root).map((m) => m.mountPoint);
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
