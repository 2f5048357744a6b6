import { statusOf } from '../leader/lease-client.js';

/**
 * How the event recorder treats a failed write:
 * - `refused`: the API answered and will refuse this Event again (403 for a namespace being
 *   terminated or a missing RBAC rule, 404 for a namespace gone, 409, 422 for a body it finds
 *   invalid...). The API itself is fine; asking again for the same Event only adds load.
 * - `throttled`: 429, or a 5xx with Retry-After: send nothing for `retryAfterMs`.
 * - `unavailable`: no answer, a timeout, a 5xx, or 401 (our credentials): the API is out of reach.
 */
export type ApiFailure =
  | { readonly kind: 'refused'; readonly status: number }
  | { readonly kind: 'throttled'; readonly status: number; readonly retryAfterMs: number }
  | { readonly kind: 'unavailable'; readonly status: number | undefined };

/** A Retry-After longer than this is cut to it: a broken header must not silence Events for hours. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** Without a usable Retry-After, a 429 pauses writes this long. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

function header(err: unknown, name: string): string | undefined {
  const headers = (err as { headers?: unknown } | null)?.headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return typeof found?.[1] === 'string' ? found[1] : undefined;
}

/** Given a Retry-After header (delta-seconds or an HTTP date), the delay in ms, capped; else undefined. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  const text = value?.trim() ?? '';
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - nowMs;
  return Number.isNaN(ms) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/** Given the error of a failed Event write (client-node's ApiException, or any other), how to treat it. */
export function classifyFailure(err: unknown, nowMs: number): ApiFailure {
  const status = statusOf(err);
  if (status === undefined) return { kind: 'unavailable', status };
  const delay = retryAfterMs(header(err, 'retry-after'), nowMs);
  if (status === 429) return { kind: 'throttled', status, retryAfterMs: delay ?? DEFAULT_RETRY_AFTER_MS };
  if (status >= 500 && delay !== undefined) return { kind: 'throttled', status, retryAfterMs: delay };
  if (status >= 400 && status < 500 && status !== 401 && status !== 408) return { kind: 'refused', status };
  return { kind: 'unavailable', status };
}
