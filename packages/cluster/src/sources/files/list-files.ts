import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

const EXTENSIONS: ReadonlySet<string> = new Set(['.yaml', '.yml', '.json']);
/** The names kustomize reads its instructions from: not policy, skipped with a note. */
const KUSTOMIZATION_NAMES: ReadonlySet<string> = new Set([
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
]);

/** One file found under the policy path, with what tells a change (for the watcher). */
export interface FoundFile {
  readonly path: string;
  readonly stamp: string;
  /** A kustomization file: listed (its changes count) but not read. */
  readonly kustomization?: true;
}

/**
 * The policy files under `path`: the file itself, or every `*.yaml|*.yml|*.json` below the folder,
 * recursively, sorted by path. Names starting with a dot are skipped, which also keeps the `..data`
 * folders of a mounted ConfigMap from loading every file twice. A folder is read once however many
 * symlinks lead to it (a link to `.` or `..` would otherwise load every file again and again). A
 * policy file that cannot be looked at (a broken symlink) or is no regular file (a FIFO, a link to a
 * device) is listed all the same, so that reading it reports why instead of leaving it out without
 * a word. kustomize's own files (kustomization.yaml, kustomization.yml, Kustomization) are marked.
 */
export async function listPolicyFiles(path: string): Promise<FoundFile[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [foundFile(path, basename(path), stampOf(info))];
  const found: FoundFile[] = [];
  await walk(path, found, new Set([await realpath(path)]));
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walk(folder: string, found: FoundFile[], visited: Set<string>): Promise<void> {
  const names = (await readdir(folder)).sort();
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(folder, name);
    const info = await stat(path).catch(() => undefined);
    const isPolicyFile = EXTENSIONS.has(extname(name).toLowerCase()) || KUSTOMIZATION_NAMES.has(name);
    if (info?.isDirectory()) {
      const real = await realpath(path).catch(() => path);
      if (visited.has(real)) continue;
      visited.add(real);
      await walk(path, found, visited);
    } else if (isPolicyFile)
      found.push(foundFile(path, name, info === undefined ? 'unreadable' : stampOf(info)));
  }
}

function foundFile(path: string, name: string, stamp: string): FoundFile {
  return KUSTOMIZATION_NAMES.has(name) ? { path, stamp, kustomization: true } : { path, stamp };
}

function stampOf(info: { mtimeMs: number; size: number; ino: number }): string {
  return `${info.mtimeMs}:${info.size}:${info.ino}`;
}

/** One string that changes whenever a file is added, removed or modified. */
export function fingerprint(files: readonly FoundFile[]): string {
  return files.map((file) => `${file.path}@${file.stamp}`).join('\n');
}
