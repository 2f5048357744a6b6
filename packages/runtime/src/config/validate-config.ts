import { KindGuard, type TObject, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { SchemaIndex } from './schema-leaves.js';

export interface KeyDescriber {
  /** Where the current value of `key` came from, or undefined when nothing set it. */
  readonly originOf: (key: string) => string | undefined;
  /** How a user could set `key`, e.g. `flag --listen, env CORRAL_LISTEN or "listen" in the config file`. */
  readonly howToSet: (key: string) => string;
}

function keyOfPath(pointer: string, index: SchemaIndex): string {
  const segments = pointer.split('/').filter((s) => s !== '');
  while (segments.length > 0) {
    const key = segments.join('.');
    if (index.leaves.has(key) || index.groups.has(key)) return key;
    segments.pop();
  }
  return '(root)';
}

function explain(schema: TSchema, message: string, value: unknown): string {
  const literals = KindGuard.IsUnion(schema) ? schema.anyOf.filter((m) => KindGuard.IsLiteral(m)) : [];
  const expected =
    KindGuard.IsUnion(schema) && literals.length === schema.anyOf.length
      ? `must be one of: ${literals.map((m) => String(m.const)).join(', ')}`
      : message.charAt(0).toLowerCase() + message.slice(1);
  return `${expected} (got ${JSON.stringify(value)})`;
}

/**
 * Given the merged options and the schema, returns one readable problem per invalid or missing option,
 * naming the source that set it (or how to set it when it is missing).
 */
export function validationProblems(
  schema: TObject,
  value: unknown,
  index: SchemaIndex,
  describer: KeyDescriber,
): string[] {
  const byKey = new Map<string, string>();
  for (const error of Value.Errors(schema, value)) {
    const key = keyOfPath(error.path, index);
    if (byKey.has(key)) continue;
    if (error.value === undefined) {
      byKey.set(key, `missing required option "${key}" (set ${describer.howToSet(key)})`);
    } else {
      const origin = describer.originOf(key) ?? `default ${key}`;
      byKey.set(key, `${origin}: ${explain(error.schema, error.message, error.value)}`);
    }
  }
  return [...byKey.values()];
}
