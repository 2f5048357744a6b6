import { tryParseQuantity, type Quantity } from '../quantity/quantity.js';
import type { ResourceMap } from '../schema/common.js';
import type { FieldProblem, SchemaGuard } from './field-problem.js';
import { joinPointer } from './json-pointer.js';

export interface ResourceMapRules {
  /** A message when a key is not allowed here, or undefined when it is. */
  readonly keyProblem?: (key: string) => string | undefined;
  /** Is the key's value counted in whole units (a fractional value is a problem)? */
  readonly wholeUnits?: (key: string) => boolean;
}

const NANOS_PER_UNIT = 1_000_000_000n;

/**
 * Problems in a map of resource name to quantity at `pointer`: keys the rules refuse, values that
 * do not parse (the message quotes the value), negative values. Entries the schema already refused
 * are left to the schema's message.
 */
export function resourceMapProblems(
  map: ResourceMap | undefined,
  pointer: string,
  guard: SchemaGuard,
  rules: ResourceMapRules = {},
): FieldProblem[] {
  if (map === undefined || !guard.isSound(pointer)) return [];
  return Object.entries(map).flatMap(([key, value]) => {
    const field = joinPointer(pointer, key);
    const keyMessage = rules.keyProblem?.(key);
    const problems: FieldProblem[] = keyMessage === undefined ? [] : [{ field, message: keyMessage }];
    if (!guard.isSound(field)) return problems;
    const message = valueProblem(key, value, rules);
    return message === undefined ? problems : [...problems, { field, message }];
  });
}

function valueProblem(key: string, value: ResourceMap[string], rules: ResourceMapRules): string | undefined {
  // YAML and JSON readers keep numbers as doubles: past 2^53 the value read is not the one written.
  if (typeof value === 'number' && !Number.isSafeInteger(value))
    return (
      `a plain number above ${Number.MAX_SAFE_INTEGER} loses digits when read (got ${value}); ` +
      'quote it ("…") or use a suffix such as Pi or Ei'
    );
  const parsed = tryParseQuantity(value);
  if (!parsed.ok) return parsed.error.message;
  if (parsed.value.nanos < 0n) return `must not be negative, got "${value}"`;
  if (rules.wholeUnits?.(key) === true && parsed.value.nanos % NANOS_PER_UNIT !== 0n)
    return `${key} is counted in whole units: write a whole number, got "${value}"`;
  return undefined;
}

/**
 * The entries of a resource map that parse, by key. Unparseable values are left out, and so are
 * values that are neither a string nor a number (the schema's problem, in a map read before it).
 */
export function parsedResourceMap(map: ResourceMap | undefined): Map<string, Quantity> {
  const parsed = new Map<string, Quantity>();
  for (const [key, value] of Object.entries(map ?? {})) {
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    const result = tryParseQuantity(value);
    if (result.ok) parsed.set(key, result.value);
  }
  return parsed;
}
