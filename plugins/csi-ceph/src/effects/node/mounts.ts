/** Mount table reads and idempotent mount/umount. */
import { readFile } from 'node:fs/promises';
import { parseMountInfo, type MountEntry } from '../../decide/node-layout.js';
import { runOk } from './run.js';

export async function mountTable(): Promise<MountEntry[]> {
  return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

export async function mountAt(path: string): Promise<MountEntry | undefined> {
  const table = await mountTable();
  // The last entry wins when mounts are stacked.
  return table.filter((m) => m.mountPoint === path).pop();
}

export async function isMounted(path: string): Promise<boolean> {
  return (await mountAt(path)) !== undefined;
}

/** Unmounts the topmost mount at `path`. */
export async function unmount(path: string): Promise<void> {
  await runOk('umount', [path]);
}

/** Unmounts every mount stacked at `path`; nothing mounted is fine. */
export async function unmountAll(path: string): Promise<void> {
  while (await isMounted(path)) await runOk('umount', [path]);
}

export async function mount(
  source: string,
  target: string,
  options: readonly string[] = [],
  fsType?: string,
) {
  const args = [
    ...(fsType ? ['-t', fsType] : []),
    ...(options.length > 0 ? ['-o', options.join(',')] : []),
    source,
    target,
  ];
  await runOk('mount', args);
}

/** Makes the bind mount at `target` read-only (the mount only, not the filesystem under it). */
export async function remountReadOnly(target: string): Promise<void> {
  await runOk('mount', ['-o', 'remount,bind,ro', target]);
}

/** Two mount(2) calls when read-only: a retry after a crash between them finishes with remountReadOnly. */
export async function bindMount(source: string, target: string, readOnly: boolean): Promise<void> {
  await runOk('mount', ['--bind', source, target]);
  if (readOnly) await remountReadOnly(target);
}
