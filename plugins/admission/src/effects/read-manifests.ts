import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { documentSource, nonStringMetadataFields, parseDocuments } from '@corral/cluster';
import { describeProblem } from '@corral/policy';

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

/**
 * The manifest files of `path`: the file itself, or every `*.yaml|*.yml|*.json` below the folder,
 * sorted, as the policy files are listed (list-files.ts of @corral/cluster): names starting with a
 * dot (`.git`, `.github`, a ConfigMap's `..data`) are skipped, and a folder is read once however many
 * symlinks lead to it (a link to `.` or `..` would otherwise be followed until memory runs out).
 */
async function filesUnder(path: string, visited = new Set<string>()): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const real = await realpath(path);
  if (visited.has(real)) return [];
  visited.add(real);
  const files: string[] = [];
  for (const entry of (await readdir(path)).sort()) {
    if (entry.startsWith('.')) continue;
    const child = join(path, entry);
    const isFolder = (await stat(child).catch(() => undefined))?.isDirectory() === true;
    if (isFolder) files.push(...(await filesUnder(child, visited)));
    else if (MANIFEST_EXTENSIONS.has(extname(entry).toLowerCase())) files.push(child);
  }
  return files;
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

/** What the API server would refuse in an object's labels and annotations (values not text). */
function metadataProblems(object: Record<string, unknown>): string[] {
  const metadata = object['metadata'];
  const name = isObject(metadata) && isText(metadata['name']) ? metadata['name'] : '(unnamed)';
  return nonStringMetadataFields(object).map(
    (error) => `${String(object['kind'])} ${name}: ${error.field}: ${error.message}`,
  );
}

/**
 * The documents of one file's text, each as objects or problems named by file and document number.
 * The text is read as `kubectl apply` reads it, by the policy files' reader (parseDocuments: YAML
 * 1.1 scalars as go-yaml v2 resolves them, merge keys; duplicate keys and ambiguous merges refused
 * with their line), so `replicas: 010` is 8 and a label `no` is refused here as kubectl would.
 */
export function manifestsOfText(file: string, text: string): ReadManifests {
  const objects: ManifestObject[] = [];
  const parsed = parseDocuments(file, text);
  const problems = parsed.problems.map(describeProblem);
  for (const document of parsed.documents) {
    const source = documentSource(file, document.number);
    const found = objectsOf(document.value);
    for (const object of found.objects) {
      const refused = metadataProblems(object);
      if (refused.length === 0) objects.push({ source, object });
      for (const problem of refused) problems.push(`${source}: ${problem}`);
    }
    for (const problem of found.problems) problems.push(`${source}: ${problem}`);
  }
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
