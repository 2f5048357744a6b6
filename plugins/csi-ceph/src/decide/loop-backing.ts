/**
 * A loop device's backing file as sysfs shows it (`/sys/block/loopN/loop/backing_file`): the path,
 * with ` (deleted)` appended once the file is gone (its rbd-fuse mount died or was unmounted).
 * Read from sysfs rather than `losetup -j`, which stats the file and finds nothing once the rbd-fuse
 * daemon behind it is gone (ENOTCONN): such a loop device must still be found to be detached.
 */
const DELETED = ' (deleted)';

export interface LoopBacking {
  readonly path: string;
  readonly deleted: boolean;
}

/** Given the text of a backing_file, returns the path and whether it is marked deleted. */
export function parseBackingFile(text: string): LoopBacking {
  const line = text.replace(/\n$/, '');
  const deleted = line.endsWith(DELETED);
  return { path: deleted ? line.slice(0, -DELETED.length) : line, deleted };
}
