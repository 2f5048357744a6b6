import { tryParseQuantity, type Quantity } from '../quantity/quantity.js';
import type { ResourceMap } from '../schema/common.js';
import type { FieldProblem, SchemaGuard } from './field-problem.js';
import { joinPointer } from './json-pointer.js';

export interface ResourceMapRules {
  /** A message when a key is not allowed here, or undefined when it is. */
  readonly keyProblem?: (key: string) => string | undefined;
}

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
    const parsed = tryParseQuantity(value);
    if (!parsed.ok) return [...problems, { field, message: parsed.error.message }];
    if (parsed.value.nanos < 0n)
      return [...problems, { field, message: `must not be negative, got "${value}"` }];
    return problems;
  });
}

/** The entries of a resource map that parse, by key. Unparseable values are left out. */
export function parsedResourceMap(map: ResourceMap | undefined): Map<string, Quantity> {
  const parsed = new Map<string, Quantity>();
  for (const [key, value] of Object.entries(map ?? {})) {
    const result = tryParseQuantity(value);
    if (result.ok) parsed.set(key, result.value);
  }
  return parsed;
}
