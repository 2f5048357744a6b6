/**
 * What of a CSI request may be logged: everything but `secrets` maps and secret-looking keys, which
 * are dropped (not masked) at any depth, so that a key never reaches a log line even if the logger's
 * redaction were misconfigured.
 */
import { SECRET_KEYS } from '@corral/runtime';

const SECRET = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));

/** Given a request, returns a copy without secrets (depth-limited; long strings cut). */
export function stripSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (Array.isArray(value)) return value.map((v) => stripSecrets(v, depth + 1));
  if (typeof value === 'string') return value.length > 512 ? `${value.slice(0, 512)}…` : value;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (SECRET.has(key.toLowerCase())) continue;
    out[key] = stripSecrets(v, depth + 1);
  }
  return out;
}
