/**
 * What is mounted at a path, and whether it is a given staged filesystem or device: a publish bind
 * mount of <staging>/fs shows the same filesystem (mountinfo major:minor) and root; a publish of a
 * block volume is a device node whose rdev is the staged device's.
 */
import { stat } from 'node:fs/promises';
import { optionsAreReadOnly, type ExistingPublish } from '../../decide/node-access.js';
import type { MountEntry } from '../../decide/node-layout.js';
import { mountAt } from './mounts.js';

export interface MountedPath extends ExistingPublish {
  readonly entry: MountEntry;
  /** The device number a block publish stands for. */
  readonly rdev?: number;
}

/**
 * What is mounted at `path` (the topmost mount), or undefined when nothing is. A mount whose root
 * cannot be stat'ed (a shut-down xfs answers EIO) is a filesystem: a device node never fails so.
 */
export async function mountedAt(path: string): Promise<Omit<MountedPath, 'sameSource'> | undefined> {
  const entry = await mountAt(path);
  if (!entry) return undefined;
  const info = await stat(path).catch((err: NodeJS.ErrnoException) =>
    err.code === 'ENOENT' || err.code === 'ENOTDIR' ? undefined : err,
  );
  const readOnly = optionsAreReadOnly(entry.options);
  if (info instanceof Error) return { kind: 'mount', readOnly, entry };
  if (info?.isBlockDevice()) return { kind: 'block', readOnly, entry, rdev: info.rdev };
  return { kind: info?.isDirectory() ? 'mount' : 'other', readOnly, entry };
}

/** Is `mounted` the filesystem mounted at `fsDir` (the same filesystem and root)? */
export async function isSameFilesystem(mounted: { entry: MountEntry }, fsDir: string): Promise<boolean> {
  const staged = await mountAt(fsDir);
  return staged !== undefined && staged.device === mounted.entry.device && staged.root === mounted.entry.root;
}

/** Is `mounted` a node of `device`? */
export async function isSameDevice(mounted: { rdev?: number }, device: string): Promise<boolean> {
  if (mounted.rdev === undefined) return false;
  const info = await stat(device).catch(() => undefined);
  return info?.isBlockDevice() === true && info.rdev === mounted.rdev;
}
