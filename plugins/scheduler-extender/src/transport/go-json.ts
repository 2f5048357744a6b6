/**
 * kube-scheduler's extender types carry no json tags, so Go's encoding/json reads their keys by field
 * name. For each key of an object, in order, it finds the field named exactly so, or else the one
 * equal under case folding (bytes.EqualFold): ASCII letters in either case, and the only two
 * non-ASCII characters whose simple folding reaches an ASCII letter, U+017F `ſ` (s) and U+212A `K`
 * (Kelvin sign, k). A later key for the same field overwrites an earlier one: `{"Pod":A,"pod":B}`
 * reads B.
 *
 * Two differences, neither in anything kube-scheduler sends: Go decodes a later object into the
 * struct the earlier one filled (merging their fields), where goField takes the later value whole;
 * and JSON.parse keeps an exactly repeated key at its first position, so in `{"pod":A,"Pod":B,"pod":C}`
 * the last key met is `Pod` (B) where Go reads C. Field names passed here are ASCII, and no two
 * fields of one Go struct read here fold alike, so "exact first" never changes which field a key
 * fills.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Given a decoded JSON object and a Go field name, returns the field's value as Go would read it. */
export function goField(object: Record<string, unknown>, field: string): unknown {
  // Runs on every request, and per Node object in full mode: no allocation, a length test first
  // (each key that can fold onto an ASCII name is as long as it in UTF-16 too).
  let value: unknown;
  for (const key in object) {
    if (key.length !== field.length || (key !== field && !foldsOnto(key, field))) continue;
    if (Object.hasOwn(object, key)) value = object[key];
  }
  return value;
}

/** Like goField, but a JSON null reads as absent (a nil pointer in Go). */
export function goPresent(object: Record<string, unknown>, field: string): unknown {
  const value = goField(object, field);
  return value === null ? undefined : value;
}

const LONG_S = 0x17f;
const KELVIN = 0x212a;
const LOWER_S = 0x73;
const LOWER_K = 0x6b;

/** Whether `key` equals the ASCII `field` (same length) under Go's case folding. */
export function foldsOnto(key: string, field: string): boolean {
  for (let i = 0; i < field.length; i++) {
    const k = key.charCodeAt(i);
    const f = field.charCodeAt(i);
    if (k === f) continue;
    const lower = f | 0x20;
    // Only letters fold: `_` | 0x20 is DEL, `@` | 0x20 is a backquote.
    if (lower < 0x61 || lower > 0x7a) return false;
    if ((k | 0x20) === lower) continue;
    if ((k === LONG_S && lower === LOWER_S) || (k === KELVIN && lower === LOWER_K)) continue;
    return false;
  }
  return true;
}
