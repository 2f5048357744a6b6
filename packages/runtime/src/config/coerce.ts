import { KindGuard, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export type Coerced =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly expected: string };

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const ok = (value: unknown): Coerced => ({ ok: true, value });

function coerceNumber(raw: unknown): Coerced {
  if (typeof raw === 'number') return ok(raw);
  if (typeof raw === 'string' && NUMBER_PATTERN.test(raw.trim())) return ok(Number(raw.trim()));
  return { ok: false, expected: `expected a number, got ${JSON.stringify(raw)}` };
}

function coerceBoolean(raw: unknown): Coerced {
  if (typeof raw === 'boolean') return ok(raw);
  const word = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (TRUE_WORDS.has(word)) return ok(true);
  if (FALSE_WORDS.has(word)) return ok(false);
  return { ok: false, expected: `expected true or false, got ${JSON.stringify(raw)}` };
}

function coerceArray(raw: unknown, items: TSchema): Coerced {
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((part: unknown) =>
    typeof part === 'string' ? part.split(',').map((s) => s.trim()) : [part],
  );
  const values: unknown[] = [];
  for (const part of parts.filter((p) => p !== '')) {
    const one = coerceValue(part, items);
    if (!one.ok) return one;
    values.push(one.value);
  }
  return ok(values);
}

function coerceUnion(raw: unknown, members: readonly TSchema[]): Coerced {
  for (const member of members) {
    const one = coerceValue(raw, member);
    if (one.ok && Value.Check(member, one.value)) return one;
  }
  return ok(raw);
}

/**
 * Given a raw value from a flag, an env variable or the config file and the option's schema, returns the
 * value converted to the schema's type (numbers, booleans, comma-separated lists), or what was expected.
 * Range, pattern and enum checks are left to schema validation.
 */
export function coerceValue(raw: unknown, schema: TSchema): Coerced {
  if (KindGuard.IsNumber(schema) || KindGuard.IsInteger(schema)) return coerceNumber(raw);
  if (KindGuard.IsBoolean(schema)) return coerceBoolean(raw);
  if (KindGuard.IsArray(schema)) return coerceArray(raw, schema.items);
  if (KindGuard.IsUnion(schema)) return coerceUnion(raw, schema.anyOf);
  if (KindGuard.IsString(schema) && (typeof raw === 'number' || typeof raw === 'boolean'))
    return ok(String(raw));
  return ok(raw);
}
