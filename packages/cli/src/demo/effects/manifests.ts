import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Json } from '../decide/review.js';

/** One object of the demo's manifests and the file it came from. */
export interface Manifest {
  readonly file: string;
  readonly object: Json;
}

const YAML = new Set(['.yaml', '.yml']);

/** Reads every object of a YAML file, or of the folder's YAML files in name order; throws on bad YAML. */
export async function readManifests(path: string): Promise<Manifest[]> {
  const info = await stat(path);
  const files = info.isDirectory()
    ? (await readdir(path))
        .filter((name) => YAML.has(extname(name)) && !name.startsWith('.'))
        .sort()
        .map((name) => join(path, name))
    : [path];
  const manifests: Manifest[] = [];
  for (const file of files) {
    for (const document of parseAllDocuments(await readFile(file, 'utf8'))) {
      if (document.errors.length > 0) {
        throw new Error(`${basename(file)}: ${document.errors.map((e) => e.message).join('; ')}`);
      }
      const object: unknown = document.toJS();
      if (object === null || object === undefined) continue;
      if (
        typeof object !== 'object' ||
        Array.isArray(object) ||
        typeof (object as Json)['kind'] !== 'string'
      ) {
        throw new Error(`${basename(file)}: every document must be a Kubernetes object with a kind`);
      }
      manifests.push({ file: basename(file), object: object as Json });
    }
  }
  return manifests;
}
