import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

const EXTENSIONS: ReadonlySet<string> = new Set(['.yaml', '.yml', '.json']);

/** One file found under the policy path, with what tells a change (for the watcher). */
export interface FoundFile {
  readonly path: string;
  readonly stamp: string;
}

/**
 * The policy files under `path`: the file itself, or every `*.yaml|*.yml|*.json` below the folder,
 * recursively, sorted by path. Names starting with a dot are skipped, which also keeps the `..data`
 * folders of a mounted ConfigMap from loading every file twice.
 */
export async function listPolicyFiles(path: string): Promise<FoundFile[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [{ path, stamp: stampOf(info) }];
  const found: FoundFile[] = [];
  await walk(path, found);
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walk(folder: string, found: FoundFile[]): Promise<void> {
  const names = await readdir(folder);
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(folder, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) await walk(path, found);
    else if (info?.isFile() && EXTENSIONS.has(extname(name).toLowerCase()))
      found.push({ path, stamp: stampOf(info) });
  }
}

function stampOf(info: { mtimeMs: number; size: number; ino: number }): string {
  return `${info.mtimeMs}:${info.size}:${info.ino}`;
}

/** One string that changes whenever a file is added, removed or modified. */
export function fingerprint(files: readonly FoundFile[]): string {
  return files.map((file) => `${file.path}@${file.stamp}`).join('\n');
}
