import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KindGuard } from '@sinclair/typebox';
import type { SchemaIndex } from './schema-leaves.js';
import type { Assignment, FlagDef, FlagSpec } from './types.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface FlagsResult {
  readonly assignments: readonly Assignment[];
  readonly configFile: string | undefined;
  readonly problems: readonly string[];
}

const definitionOf = (def: string | FlagDef): FlagDef => (typeof def === 'string' ? { option: def } : def);

function buildOptions(spec: FlagSpec, index: SchemaIndex, configFlag: string | false, problems: string[]) {
  const options: OptionsConfig = {};
  for (const [flag, raw] of Object.entries(spec)) {
    const def = definitionOf(raw);
    const leaf = index.leaves.get(def.option);
    if (leaf === undefined) {
      problems.push(`flag --${flag} is declared for unknown option "${def.option}"`);
      continue;
    }
    const type = KindGuard.IsBoolean(leaf.schema) ? 'boolean' : 'string';
    options[flag] = {
      type,
      multiple: KindGuard.IsArray(leaf.schema),
      ...(def.short ? { short: def.short } : {}),
    };
  }
  if (configFlag !== false) options[configFlag] = { type: 'string' };
  return options;
}

/**
 * Given argv and the flag spec, returns one assignment per flag occurrence and EVERY problem found:
 * unknown flags, missing values, values on boolean flags, stray positionals. Parsing follows
 * `util.parseArgs` strict semantics, but collects all problems instead of stopping at the first.
 */
export function parseFlags(
  argv: readonly string[],
  spec: FlagSpec,
  index: SchemaIndex,
  configFlag: string | false,
): FlagsResult {
  const problems: string[] = [];
  const options = buildOptions(spec, index, configFlag, problems);
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const assignments: Assignment[] = [];
  const given: Given[] = [];
  let configFile: string | undefined;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      problems.push(`unexpected argument "${token.value}"`);
      continue;
    }
    if (token.kind !== 'option') continue;
    const declared = options[token.name];
    const shown = token.rawName;
    if (declared === undefined && isNegatedBoolean(token.name, options)) {
      const def = definitionOf(spec[token.name.slice(3)] ?? '');
      assignments.push({ key: def.option, raw: false, source: `flag --${token.name}` });
      given.push({ key: def.option, shown });
    } else if (declared === undefined) {
      problems.push(`unknown flag ${shown}`);
    } else if (declared.type === 'boolean' && token.value !== undefined) {
      problems.push(`flag ${shown} takes no value (got "${token.value}")`);
    } else if (declared.type === 'string' && isMissingValue(token.value, token.inlineValue)) {
      problems.push(`flag ${shown} needs a value`);
    } else if (token.name === configFlag) {
      configFile = token.value;
      given.push({ key: CONFIG_FILE, shown });
    } else {
      const def = definitionOf(spec[token.name] ?? token.name);
      assignments.push({ key: def.option, raw: token.value ?? true, source: `flag --${token.name}` });
      given.push({ key: def.option, shown });
    }
  }
  problems.push(...repeatProblems(given, index));
  return { assignments: gatherRepeated(assignments, index), configFile, problems };
}

/** A flag as given: the option it sets and how it was written (`-w`, `--workers`, `--no-bind`). */
interface Given {
  readonly key: string;
  readonly shown: string;
}

/** Stands for the config file flag among the option keys (no option key starts with a space). */
const CONFIG_FILE = ' config file';

/**
 * One problem per option of one value (not a list) set by more than one flag: `--listen a --listen b`,
 * `-w 1 --workers 2`, `--bind --no-bind`. None is settled by the last one: a value given twice is a
 * mistake somewhere (a script, an overlay adding a flag the base already has) the user must see.
 */
function repeatProblems(given: readonly Given[], index: SchemaIndex): string[] {
  const byKey = new Map<string, string[]>();
  for (const { key, shown } of given) byKey.set(key, [...(byKey.get(key) ?? []), shown]);
  const problems: string[] = [];
  for (const [key, names] of byKey) {
    const leaf = index.leaves.get(key);
    if (names.length < 2 || (leaf !== undefined && KindGuard.IsArray(leaf.schema))) continue;
    const distinct = [...new Set(names)];
    problems.push(
      distinct.length === 1
        ? `flag ${distinct[0]} was given more than once; give it once`
        : `flags ${distinct.slice(0, -1).join(', ')} and ${distinct.at(-1)} both set "${key}"; give one`,
    );
  }
  return problems;
}

function isMissingValue(value: string | undefined, inline: boolean | undefined): boolean {
  return value === undefined || (!inline && value.startsWith('-') && value.length > 1);
}

function isNegatedBoolean(name: string, options: OptionsConfig): boolean {
  return name.startsWith('no-') && options[name.slice(3)]?.type === 'boolean';
}

/**
 * Repeated list flags (`--policies a --policies b`) become one assignment holding every value, in
 * order (repeats of other flags are refused: repeatProblems).
 */
function gatherRepeated(assignments: readonly Assignment[], index: SchemaIndex): Assignment[] {
  const byKey = new Map<string, Assignment>();
  for (const one of assignments) {
    const seen = byKey.get(one.key);
    const leaf = index.leaves.get(one.key);
    const isList = leaf !== undefined && KindGuard.IsArray(leaf.schema);
    const keepBoth =
      isList && seen !== undefined && seen.source === one.source && typeof one.raw === 'string';
    byKey.set(one.key, keepBoth ? { ...one, raw: [seen.raw, one.raw].flat() } : one);
  }
  return [...byKey.values()];
}
