import { parseArgs, type ParseArgsConfig } from 'node:util';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

export type Parsed =
  | {
      ok: true;
      values: Record<string, string | boolean | (string | boolean)[] | undefined>;
      positionals: string[];
    }
  | { ok: false; message: string };

/** Is `--help` or `-h` among the arguments (before a `--`)? */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  const flags = end < 0 ? args : args.slice(0, end);
  return flags.includes('--help') || flags.includes('-h');
}

/** The first flag given more than once that takes one value, as `--policies was given 2 times`. */
function repeatedFlag(
  tokens: readonly { kind: string; name?: string; rawName?: string }[],
  options: FlagSpec,
): string | undefined {
  const counts = new Map<string, number>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined || options[token.name]?.multiple === true)
      continue;
    const count = (counts.get(token.name) ?? 0) + 1;
    counts.set(token.name, count);
    if (count === 2) return `--${token.name} was given more than once; give it once`;
  }
  return undefined;
}

/**
 * Strict flag parsing: an unknown flag, a missing value or a flag of one value given twice
 * (`--policies a --policies b`) is a usage error, never ignored nor settled by the last one.
 */
export function parseFlags(args: readonly string[], options: FlagSpec, allowPositionals = false): Parsed {
  try {
    const { values, positionals, tokens } = parseArgs({
      args: [...args],
      options,
      strict: true,
      allowPositionals,
      tokens: true,
    });
    const repeated = repeatedFlag(tokens, options);
    if (repeated !== undefined) return { ok: false, message: repeated };
    return { ok: true, values, positionals };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
