import { KindGuard, type TObject, type TSchema } from '@sinclair/typebox';
import { formatRows, HELP_WIDTH, wrap, type HelpRow } from './help-layout.js';
import { envNameOf, indexSchema, type Leaf } from './schema-leaves.js';
import type { FlagDef, LoadConfigOptions } from './types.js';

/** What the help is generated from: the very options the command passes to loadConfig. */
export type ConfigHelpSource<S extends TObject> = Pick<
  LoadConfigOptions<S>,
  'schema' | 'defaults' | 'flags' | 'envPrefix' | 'configFileFlag'
>;

export interface ConfigHelpHeading {
  /** The usage line after `Usage: `, e.g. `corral admission [flags]`. */
  readonly usage: string;
  /** What the command does, one paragraph. */
  readonly summary?: string;
}

/** `-h`/`--help` anywhere in a command's arguments: print the help instead of running. */
export function isHelpRequest(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

const definitionOf = (def: string | FlagDef): FlagDef => (typeof def === 'string' ? { option: def } : def);

function valueAt(node: unknown, path: readonly string[]): unknown {
  let value = node;
  for (const part of path)
    value =
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

/** Neither the leaf nor any group above it is optional. */
function isRequired(schema: TObject, path: readonly string[]): boolean {
  let node: TSchema = schema;
  for (const part of path) {
    const child: TSchema | undefined = KindGuard.IsObject(node) ? node.properties[part] : undefined;
    if (child === undefined || KindGuard.IsOptional(child)) return false;
    node = child;
  }
  return true;
}

/** The value a flag takes: `N`, `a|b`, `VALUE,...` (lists take commas or a repeated flag), `VALUE`. */
function placeholder(schema: TSchema): string {
  if (KindGuard.IsArray(schema)) return `${placeholder(schema.items)},...`;
  if (KindGuard.IsInteger(schema) || KindGuard.IsNumber(schema)) return 'N';
  const literals = KindGuard.IsUnion(schema) && schema.anyOf.every((m) => KindGuard.IsLiteral(m));
  if (literals && schema.anyOf.length <= 3) return schema.anyOf.map((m) => String(m.const)).join('|');
  return 'VALUE';
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(String).join(',');
  if (typeof value === 'string') return value === '' ? '""' : value;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

interface HelpContext<S extends TObject> {
  readonly source: ConfigHelpSource<S>;
  readonly configFlag: string | false;
}

/** `default: X` (or `required`) and the config file key, when there is a config file. */
function facts<S extends TObject>(leaf: Leaf, context: HelpContext<S>, flag?: string): string[] {
  const value = valueAt(context.source.defaults, leaf.path);
  const negated = value === true && flag !== undefined ? ` (--no-${flag} turns it off)` : '';
  const parts = [
    value !== undefined ? `default: ${shown(value)}${negated}` : undefined,
    value === undefined && isRequired(context.source.schema, leaf.path) ? 'required' : undefined,
    context.configFlag === false ? undefined : `file key: ${leaf.key}`,
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? [] : [parts.join('; ')];
}

function describe(leaf: Leaf): string[] {
  const description = leaf.schema.description;
  return typeof description === 'string' && description !== '' ? [description] : [];
}

function flagRows<S extends TObject>(leaves: ReadonlyMap<string, Leaf>, context: HelpContext<S>): HelpRow[] {
  const rows: HelpRow[] = [];
  for (const [flag, raw] of Object.entries(context.source.flags)) {
    const def = definitionOf(raw);
    const leaf = leaves.get(def.option);
    if (leaf === undefined) continue;
    const value = KindGuard.IsBoolean(leaf.schema) ? '' : ` ${placeholder(leaf.schema)}`;
    const head = `${def.short ? `-${def.short}, ` : ''}--${flag}${value}`;
    const aside = `env ${envNameOf(context.source.envPrefix, leaf.path)}`;
    rows.push({ head, aside, paragraphs: [...describe(leaf), ...facts(leaf, context, flag)] });
  }
  return rows;
}

function envOnlyRows<S extends TObject>(
  leaves: ReadonlyMap<string, Leaf>,
  context: HelpContext<S>,
): HelpRow[] {
  const flagged = new Set(Object.values(context.source.flags).map((raw) => definitionOf(raw).option));
  return [...leaves.values()]
    .filter((leaf) => !flagged.has(leaf.key))
    .map((leaf) => ({
      head: `${envNameOf(context.source.envPrefix, leaf.path)}=${placeholder(leaf.schema)}`,
      paragraphs: [...describe(leaf), ...facts(leaf, context)],
    }));
}

function commonRows<S extends TObject>(context: HelpContext<S>): HelpRow[] {
  const rows: HelpRow[] = [{ head: '-h, --help', paragraphs: ['Print this text and exit.'] }];
  if (context.configFlag === false) return rows;
  const env = context.source.envPrefix + context.configFlag.replace(/-/g, '_').toUpperCase();
  rows.push({
    head: `--${context.configFlag} FILE`,
    aside: `env ${env}`,
    paragraphs: ['YAML file of settings, by the file keys below: dotted (a.b: x) or nested (a: {b: x}).'],
  });
  return rows;
}

function precedence(configFlag: string | false): string {
  const file = configFlag === false ? '' : ` the --${configFlag} file,`;
  return (
    `Each setting comes from, highest first: its flag, its environment variable,${file} its default. ` +
    'Lists take commas or a repeated flag.'
  );
}

/**
 * Given a command's loadConfig options (schema, flags, defaults, envPrefix) and its usage line, returns
 * its `--help` text: one row per flag with its value, the schema's description, its default and its
 * environment variable, then the settings that have no flag. Generated, so it cannot drift from what
 * loadConfig accepts.
 */
export function configHelp<S extends TObject>(
  source: ConfigHelpSource<S>,
  heading: ConfigHelpHeading,
): string {
  const context: HelpContext<S> = { source, configFlag: source.configFileFlag ?? 'config' };
  const { leaves } = indexSchema(source.schema);
  const intro = [heading.summary, precedence(context.configFlag)].filter((p) => p !== undefined);
  const lines = [`Usage: ${heading.usage}`];
  for (const paragraph of intro) lines.push('', ...wrap(paragraph, HELP_WIDTH));
  lines.push('', 'Flags:', ...formatRows([...commonRows(context), ...flagRows(leaves, context)]));
  const envOnly = envOnlyRows(leaves, context);
  if (envOnly.length > 0) {
    const where = context.configFlag === false ? '' : ' or the config file';
    lines.push('', `Settings without a flag (environment${where}):`, ...formatRows(envOnly));
  }
  return `${lines.join('\n')}\n`;
}
