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

/** As many aliases as the yaml package allows by default: a bigger expansion is an alias bomb. */
const MAX_ALIAS_COUNT = 100;

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const entries = (await readdir(path)).sort();
  const nested = await Promise.all(entries.map((entry) => filesUnder(join(path, entry))));
  return nested.flat().filter((file) => MANIFEST_EXTENSIONS.has(extname(file)));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describe = (value: unknown): string =>
  Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`;

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** What an object lacks to be a Kubernetes object: a string apiVersion and kind. */
function missingTypeFields(value: Record<string, unknown>): string[] {
  return (['apiVersion', 'kind'] as const).filter((field) => !isText(value[field]));
}

/** The objects of a document (a List's items), or why something in it is not a Kubernetes object. */
export function objectsOf(
  value: unknown,
  at = '',
): { objects: Record<string, unknown>[]; problems: string[] } {
  if (!isObject(value)) {
    return {
      objects: [],
      problems: [`${at}is ${describe(value)}, not a Kubernetes object (apiVersion, kind, ...)`],
    };
  }
  if (typeof value['kind'] === 'string' && value['kind'].endsWith('List') && Array.isArray(value['items'])) {
    const found = { objects: [] as Record<string, unknown>[], problems: [] as string[] };
    (value['items'] as unknown[]).forEach((item, index) => {
      const inner = objectsOf(item, `${at}items[${index}] `);
      found.objects.push(...inner.objects);
      found.problems.push(...inner.problems);
    });
    return found;
  }
  const missing = missingTypeFields(value);
  if (missing.length > 0) {
    return {
      objects: [],
      problems: [`${at}has no ${missing.join(' and no ')} (a string): not a Kubernetes object`],
    };
  }
  return { objects: [value], problems: [] };
}

/** The documents of one file's text, each as objects or problems named by file and document number. */
export function manifestsOfText(file: string, text: string): ReadManifests {
  const objects: ManifestObject[] = [];
  const problems: string[] = [];
  // merge: `<<: *base` merge keys, as kubectl reads them (YAML 1.1).
  parseAllDocuments(text, { merge: true }).forEach((document, index) => {
    const source = `${file} (document ${index + 1})`;
    if (document.errors.length > 0) {
      problems.push(`${source}: ${document.errors.map((e) => e.message).join('; ')}`);
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      // An alias bomb (`Excessive alias count`) and the like: a problem of this document, not a crash.
      problems.push(`${source}: cannot read the YAML (${reason(err)})`);
      return;
    }
    // An empty document (`---` at the end of a file, comments only) holds nothing to check.
    if (value === null || value === undefined) return;
    const found = objectsOf(value);
    for (const object of found.objects) objects.push({ source, object });
    for (const problem of found.problems) problems.push(`${source}: ${problem}`);
  });
  return { objects, problems };
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
      problems.push(`${path}: cannot read (${reason(err)})`);
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        problems.push(`${file}: cannot read (${reason(err)})`);
        continue;
      }
      const found = manifestsOfText(file, text);
      objects.push(...found.objects);
      problems.push(...found.problems);
    }
  }
  return { objects, problems };
}
