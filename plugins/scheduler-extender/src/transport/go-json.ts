/**
 * kube-scheduler's extender types carry no json tags, so Go's encoding/json reads their keys by field
 * name: an exact match first, else the first key equal under case folding (`pod`, `POD`, `nodenames`).
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Given a decoded JSON object and a Go field name, returns the field's value as Go would read it. */
export function goField(object: Record<string, unknown>, field: string): unknown {
  if (Object.hasOwn(object, field)) return object[field];
  const folded = field.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === folded) return object[key];
  }
  return undefined;
}

/** Like goField, but a JSON null reads as absent (a nil pointer in Go). */
export function goPresent(object: Record<string, unknown>, field: string): unknown {
  const value = goField(object, field);
  return value === null ? undefined : value;
}
