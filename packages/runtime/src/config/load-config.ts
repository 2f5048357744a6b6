import { readFileSync } from 'node:fs';
import type { Static, TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError } from '../errors.js';
import { coerceValue } from './coerce.js';
import { deepFreeze } from './deep-freeze.js';
import { parseFlags } from './parse-flags.js';
import { readConfigFile } from './read-config-file.js';
import { readEnv } from './read-env.js';
import { envNameOf, indexSchema, type SchemaIndex } from './schema-leaves.js';
import type {
  Assignment,
  DeepReadonly,
  FlagSpec,
  LoadConfigOptions,
  OptionCheck,
  SourceResult,
} from './types.js';
import { validationProblems } from './validate-config.js';

const readUtf8 = (path: string): string => readFileSync(path, 'utf8');

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    node[part] = typeof next === 'object' && next !== null ? next : {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1] ?? ''] = value;
}

function howToSet(key: string, flags: FlagSpec, prefix: string, index: SchemaIndex): string {
  const leaf = index.leaves.get(key);
  if (leaf === undefined) return `the ${key}.* options`;
  const flagNames = Object.entries(flags)
    .filter(([, def]) => (typeof def === 'string' ? def : def.option) === key)
    .map(([flag]) => `flag --${flag}, `);
  return `${flagNames.join('')}env ${envNameOf(prefix, leaf.path)} or "${key}" in the config file`;
}

/** Applies assignments in order (later wins) onto `target`; records each key's source; returns problems. */
function apply(
  target: Record<string, unknown>,
  assignments: readonly Assignment[],
  index: SchemaIndex,
  origins: Map<string, string>,
): string[] {
  const problems: string[] = [];
  for (const assignment of assignments) {
    const leaf = index.leaves.get(assignment.key);
    if (leaf === undefined) continue;
    const coerced = coerceValue(assignment.raw, leaf.schema);
    if (!coerced.ok) {
      problems.push(`${assignment.source}: ${coerced.expected}`);
      continue;
    }
    setPath(target, leaf.path, coerced.value);
    origins.set(assignment.key, assignment.source);
  }
  return problems;
}

function getPath(target: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = target;
  for (const part of path)
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

/** Runs the per-option checks on values that passed the schema; names each failing value's source. */
function checkProblems(
  merged: Record<string, unknown>,
  checks: Readonly<Record<string, OptionCheck>>,
  index: SchemaIndex,
  origins: ReadonlyMap<string, string>,
): string[] {
  const problems: string[] = [];
  for (const [key, check] of Object.entries(checks)) {
    const leaf = index.leaves.get(key);
    const value = leaf === undefined ? undefined : getPath(merged, leaf.path);
    if (leaf === undefined || value === undefined || !Value.Check(leaf.schema, value)) continue;
    const problem = check(value);
    if (problem !== undefined) problems.push(`${origins.get(key) ?? `default ${key}`}: ${problem}`);
  }
  return problems;
}

/**
 * Loads a service's configuration: defaults < config file < env < flags. Coerces strings to the schema's
 * types, validates, and returns a deeply frozen object. Reads nothing global: the caller passes `argv`
 * and `env`. Throws a `ConfigError` listing every problem found, each naming its source.
 */
export function loadConfig<S extends TObject>(options: LoadConfigOptions<S>): DeepReadonly<Static<S>> {
  const index = indexSchema(options.schema);
  const configFlag = options.configFileFlag ?? 'config';
  const configEnv =
    configFlag === false ? '' : options.envPrefix + configFlag.replace(/-/g, '_').toUpperCase();
  const flags = parseFlags(options.argv, options.flags, index, configFlag);
  const envResult = readEnv(options.env, options.envPrefix, index, {
    rejectUnknown: options.rejectUnknownEnv ?? true,
    reserved: [configEnv],
  });
  const file = flags.configFile ?? (configEnv === '' ? undefined : options.env[configEnv]);
  const fileResult: SourceResult =
    file === undefined || file === ''
      ? { assignments: [], problems: [] }
      : readConfigFile(file, index, options.readFile ?? readUtf8);

  const merged = structuredClone(options.defaults) as Record<string, unknown>;
  const origins = new Map<string, string>();
  const ordered = [...fileResult.assignments, ...envResult.assignments, ...flags.assignments];
  const problems = [...flags.problems, ...envResult.problems, ...fileResult.problems];
  problems.push(...apply(merged, ordered, index, origins));
  problems.push(
    ...validationProblems(options.schema, merged, index, {
      originOf: (key) => origins.get(key),
      howToSet: (key) => howToSet(key, options.flags, options.envPrefix, index),
    }),
  );
  problems.push(...checkProblems(merged, options.checks ?? {}, index, origins));
  if (problems.length === 0 && options.refine) problems.push(...options.refine(merged as Static<S>));
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(merged as Static<S>);
}
