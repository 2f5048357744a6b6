/** The per-volume record under the staging path, so that a restarted driver finds its state again. */
import { lstat, readFile, rm, writeFile } from 'node:fs/promises';
import type { StageRecord } from '../../decide/node-layout.js';

export async function readStageRecord(path: string): Promise<StageRecord | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as StageRecord;
  } catch {
    return undefined;
  }
}

/** Is there a record file at `path` (readable or not: a write cut short leaves it unparseable)? */
export async function hasStageRecord(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined))?.isFile() === true;
}

export async function writeStageRecord(path: string, record: StageRecord): Promise<void> {
  await writeFile(path, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

export async function removeStageRecord(path: string): Promise<void> {
  await rm(path, { force: true });
}
