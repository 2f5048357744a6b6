/**
 * The marks of read-only publishes begun and not finished (decide/node-layout.ts publishIntentFile).
 * A read-only publish is a bind mount, then its read-only remount: two mount(2) calls. The mark is
 * written before the bind and removed after the remount, so that a retry after a crash between them
 * tells that read-write bind (to finish) from a completed read-write publish (ALREADY_EXISTS).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function markPublishBegun(file: string, target: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, target, { mode: 0o600 });
}

/** Was a read-only publish at `target` begun and not finished? */
export async function isPublishBegun(file: string, target: string): Promise<boolean> {
  return (await readFile(file, 'utf8').catch(() => undefined)) === target;
}

export async function markPublishDone(file: string): Promise<void> {
  await rm(file, { force: true });
}
