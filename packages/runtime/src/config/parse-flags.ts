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
    } else if (declared === undefined) {
      problems.push(`unknown flag ${shown}`);
    } else if (declared.type === 'boolean' && token.value !== undefined) {
      problems.push(`flag ${shown} takes no value (got "${token.value}")`);
    } else if (declared.type === 'string' && isMissingValue(token.value, token.inlineValue)) {
      problems.push(`flag ${shown} needs a value`);
    } else if (token.name === configFlag) {
      configFile = token.value;
    } else {
      const def = definitionOf(spec[token.name] ?? token.name);
      assignments.push({ key: def.option, raw: token.value ?? true, source: `flag --${token.name}` });
    }
  }
  return { assignments: gatherRepeated(assignments), configFile, problems };
}

function isMissingValue(value: string | undefined, inline: boolean | undefined): boolean {
  return value === undefined || (!inline && value.startsWith('-') && value.length > 1);
}

function isNegatedBoolean(name: string, options: OptionsConfig): boolean {
  return name.startsWith('no-') && options[name.slice(3)]?.type === 'boolean';
}

/** Repeated flags (`--policies a --policies b`) become one assignment holding every value, in order. */
function gatherRepeated(assignments: readonly Assignment[]): Assignment[] {
  const byKey = new Map<string, Assignment>();
  for (const one of assignments) {
    const seen = byKey.get(one.key);
    const keepBoth = seen !== undefined && seen.source === one.source && typeof one.raw === 'string';
    byKey.set(one.key, keepBoth ? { ...one, raw: [seen.raw, one.raw].flat() } : one);
  }
  return [...byKey.values()];
}
