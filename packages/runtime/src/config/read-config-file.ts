import { parse } from 'yaml';
import type { SchemaIndex } from './schema-leaves.js';
import type { Assignment, SourceResult } from './types.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function describe(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
}

function flatten(
  file: string,
  node: Record<string, unknown>,
  prefix: string,
  index: SchemaIndex,
  out: { assignments: Assignment[]; problems: string[] },
): void {
  for (const [name, raw] of Object.entries(node)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (index.leaves.has(key)) {
      if (raw !== null) out.assignments.push({ key, raw, source: `file ${file}: ${key}` });
    } else if (index.groups.has(key) && isPlainObject(raw)) {
      flatten(file, raw, key, index, out);
    } else if (index.groups.has(key)) {
      out.problems.push(`file ${file}: ${key} must be a mapping`);
    } else {
      out.problems.push(`file ${file}: unknown key "${key}"`);
    }
  }
}

/**
 * Given a YAML config file's path, returns one assignment per option it sets, or the problems found:
 * unreadable file, invalid YAML, a top level that is not a mapping, unknown keys. `null` values are unset.
 */
export function readConfigFile(
  file: string,
  index: SchemaIndex,
  readFile: (path: string) => string,
): SourceResult {
  let document: unknown;
  try {
    document = parse(readFile(file));
  } catch (err) {
    return { assignments: [], problems: [`file ${file}: cannot be read as YAML: ${describe(err)}`] };
  }
  if (document === null || document === undefined) return { assignments: [], problems: [] };
  if (!isPlainObject(document))
    return { assignments: [], problems: [`file ${file}: top level must be a mapping`] };
  const out = { assignments: [] as Assignment[], problems: [] as string[] };
  flatten(file, document, '', index, out);
  return out;
}
