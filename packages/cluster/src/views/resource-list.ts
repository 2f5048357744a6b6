import { escapePointerSegment, tryParseQuantity } from '@corral/policy';
import type { FieldError } from './object-ref.js';
import { asRecord } from './raw.js';

/** Resource name to quantity in nano-units, e.g. cpu → 100m = 100_000_000n. */
export type ResourceList = ReadonlyMap<string, bigint>;

export const EMPTY_RESOURCES: ResourceList = new Map();

/**
 * Quantities already parsed, by their text: a cluster's pods repeat a few values ("100m", "128Mi"), so
 * most reads skip the parser. Only successful parses are kept; the table is bounded (cleared when full).
 */
const parsedNanos = new Map<string, bigint>();
const MAX_PARSED = 4096;

function nanosOf(text: string): bigint | undefined {
  return parsedNanos.get(text);
}

function remember(text: string, nanos: bigint): void {
  if (parsedNanos.size >= MAX_PARSED) parsedNanos.clear();
  parsedNanos.set(text, nanos);
}

/** Parses a `{cpu: 100m, memory: 1Gi}` map; entries that do not parse become errors at `field/name`. */
export function readResourceList(value: unknown, field: string, errors: FieldError[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  addResourceList(out, value, field, errors);
  return out;
}

/**
 * Adds a `{cpu: 100m, memory: 1Gi}` map into `target` (target[name] += quantity), without a map of its
 * own; entries that do not parse become errors at `field/name` and add nothing.
 */
export function addResourceList(
  target: Map<string, bigint>,
  value: unknown,
  field: string,
  errors: FieldError[],
): void {
  const record = asRecord(value);
  if (value !== undefined && value !== null && !record)
    errors.push({ field, message: 'expected a resource map' });
  for (const name in record) {
    const raw = record[name];
    const nanos = quantityNanos(raw);
    if (nanos === undefined) {
      errors.push({ field: `${field}/${escapePointerSegment(name)}`, message: describeBadQuantity(raw) });
      continue;
    }
    const before = target.get(name);
    target.set(name, before === undefined ? nanos : before + nanos);
  }
}

/** A quantity (a string or a number) in nano-units, or undefined when it does not parse. */
export function quantityNanos(raw: unknown): bigint | undefined {
  if (typeof raw === 'string') {
    const known = nanosOf(raw);
    if (known !== undefined) return known;
  } else if (typeof raw !== 'number') return undefined;
  const parsed = tryParseQuantity(raw);
  if (!parsed.ok) return undefined;
  if (typeof raw === 'string') remember(raw, parsed.value.nanos);
  return parsed.value.nanos;
}

/** Why `raw` is no quantity (asked only of entries that did not parse). */
function describeBadQuantity(raw: unknown): string {
  const parsed = typeof raw === 'string' || typeof raw === 'number' ? tryParseQuantity(raw) : undefined;
  if (parsed && !parsed.ok) return parsed.error.message;
  return `invalid quantity ${JSON.stringify(raw) ?? String(raw)}: expected a string or number`;
}

/** target[name] += source[name] for every name. */
export function addInto(target: Map<string, bigint>, source: ResourceList): void {
  for (const [name, value] of source) target.set(name, (target.get(name) ?? 0n) + value);
}

/** target[name] = max(target[name], source[name]) for every name. */
export function maxInto(target: Map<string, bigint>, source: ResourceList): void {
  for (const [name, value] of source) {
    const current = target.get(name);
    if (current === undefined || value > current) target.set(name, value);
  }
}

/** Does any of `names` have a positive quantity? */
export function hasPositive(list: ResourceList, names: readonly string[]): boolean {
  return names.some((name) => (list.get(name) ?? 0n) > 0n);
}
