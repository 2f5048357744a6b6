/** Checks every handler starts with: unwrapping decisions and required fields. */
import type { Decision } from '../decide/decision.js';
import { MAX_ID_BYTES } from '../decide/volume-id.js';
import { CSI_ERR, csiError } from '../errors.js';

/** Unwraps a decision or throws its catalogued error. */
export function must<T>(decision: Decision<T>): T {
  if (decision.status === 'pass') return decision.value;
  throw csiError(decision.code, decision.message, { details: { rule: decision.rule } });
}

/**
 * A required string field: present, at most 128 bytes, and without a NUL byte (names and IDs reach
 * librados as C strings, which end at the first NUL: "a\0b" and "a\0c" were one journal key, so the
 * second name got the first one's volume).
 */
export function requireField(value: string | undefined, field: string): string {
  if (!value) throw csiError(CSI_ERR.INVALID_ARGUMENT, `${field} is required`);
  if (value.includes('\0')) throw csiError(CSI_ERR.INVALID_ARGUMENT, `${field} must not contain a NUL byte`);
  if (Buffer.byteLength(value) > MAX_ID_BYTES) {
    throw csiError(CSI_ERR.INVALID_ARGUMENT, `${field} is longer than ${MAX_ID_BYTES} bytes`);
  }
  return value;
}
