/**
 * What the node sees of the filesystem mounted at a stage's `fs/` (decide/filesystem-failure.ts): its
 * mountinfo options and whether a stat of its root fails. The stat reads nothing from the device (the
 * root inode is always in memory): a shut-down xfs answers EIO at once, a healthy one at once too.
 */
import { stat } from 'node:fs/promises';
import type { FilesystemSight } from '../../decide/filesystem-failure.js';
import type { MountEntry } from '../../decide/node-layout.js';

/** Given the mount at `entry.mountPoint`, what the node sees of its filesystem. */
export async function filesystemSight(entry: MountEntry): Promise<FilesystemSight> {
  const rootError = await stat(entry.mountPoint).then(
    () => undefined,
    (err: NodeJS.ErrnoException) => err.code ?? err.message,
  );
  return {
    options: entry.options,
    superOptions: entry.superOptions,
    ...(rootError === undefined ? {} : { rootError }),
  };
}
