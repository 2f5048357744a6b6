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

/** A loop device over a stage's image file, and whether it is read-only (sysfs `ro`). */
export interface LoopOfImage {
  readonly device: string;
  readonly readOnly: boolean;
}

/**
 * Given the loop devices over a stage's image file (in device order), returns the stage's own: the
 * first read-write one, else the first (a reader-only stage attaches one, read-only). The others are
 * the read-only devices of read-only block publishes of a read-write stage (publishLoopsOf): their
 * numbers may be lower than the stage's (`losetup --find` takes the first free one), so the order
 * alone does not tell them apart.
 */
export function stageLoopOf<T extends LoopOfImage>(loops: readonly T[]): T | undefined {
  return loops.find((loop) => !loop.readOnly) ?? loops[0];
}

/** Given the loop devices over a stage's image file, returns those of its read-only block publishes. */
export function publishLoopsOf<T extends LoopOfImage>(loops: readonly T[]): T[] {
  const stage = stageLoopOf(loops);
  return loops.filter((loop) => loop !== stage && loop.readOnly);
}
