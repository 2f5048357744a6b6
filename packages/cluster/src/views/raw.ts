/**
 * Safe readers over raw Kubernetes JSON. Sources hand the snapshot `unknown` values; these helpers
 * read fields without trusting their shape, so a malformed object becomes a problem, never a crash.
 */
export type RawObject = Readonly<Record<string, unknown>>;

export function asRecord(value: unknown): RawObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as RawObject)
    : undefined;
}

export function recordAt(object: RawObject | undefined, key: string): RawObject | undefined {
  return asRecord(object?.[key]);
}

export function stringAt(object: RawObject | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function arrayAt(object: RawObject | undefined, key: string): readonly unknown[] {
  const value = object?.[key];
  return Array.isArray(value) ? value : [];
}

/** Labels and other string maps; non-string values are dropped. */
export function stringMapAt(object: RawObject | undefined, key: string): Readonly<Record<string, string>> {
  const map = recordAt(object, key);
  if (!map) return EMPTY_LABELS;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(map)) {
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

export const EMPTY_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Converts Date objects (as client-node deserializes timestamps) to RFC 3339 strings, deeply. Keys
 * stay own data properties: a `__proto__` key (YAML and JSON.parse keep it as one) must reach the
 * validator as an unknown field, not become the copy's prototype.
 */
export function toPlainJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .map(([key, inner]) => [key, toPlainJson(inner)]),
  );
}
