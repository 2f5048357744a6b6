import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One Kubernetes object read from a manifest file. */
export interface ManifestObject {
  readonly source: string;
  readonly object: Record<string, unknown>;
}

export interface ReadManifests {
  readonly objects: readonly ManifestObject[];
  readonly problems: readonly string[];
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const entries = (await readdir(path)).sort();
  const nested = await Promise.all(entries.map((entry) => filesUnder(join(path, entry))));
  return nested.flat().filter((file) => MANIFEST_EXTENSIONS.has(extname(file)));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function objectsOf(value: unknown): Record<string, unknown>[] {
  if (!isObject(value)) return [];
  if (typeof value['kind'] === 'string' && value['kind'].endsWith('List') && Array.isArray(value['items'])) {
    return (value['items'] as unknown[]).flatMap(objectsOf);
  }
  return [value];
}

/** Reads YAML/JSON manifests (files or folders, multi-document, `kind: List`); every problem collected. */
export async function readManifests(paths: readonly string[]): Promise<ReadManifests> {
  const objects: ManifestObject[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    let files: string[];
    try {
      files = await filesUnder(path);
    } catch (err) {
      problems.push(`${path}: cannot read (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      parseAllDocuments(text).forEach((document, index) => {
        const source = `${file} (document ${index + 1})`;
        if (document.errors.length > 0) {
          problems.push(`${source}: ${document.errors.map((e) => e.message).join('; ')}`);
          return;
        }
        for (const object of objectsOf(document.toJS())) objects.push({ source, object });
      });
    }
  }
  return { objects, problems };
}
