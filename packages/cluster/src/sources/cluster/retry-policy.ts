import { isRecord } from './decode.js';

/**
 * How the cluster source tells failures apart, the way client-go does: which ones a retry of the same
 * request can fix, which ones leave the watch's resourceVersion good, and how long the server asked
 * to be left alone.
 */

function field(err: unknown, name: string): unknown {
  return isRecord(err) || err instanceof Error
    ? (err as unknown as Record<string, unknown>)[name]
    : undefined;
}

function statusCodeOf(err: unknown): number | undefined {
  const code = field(err, 'statusCode');
  return typeof code === 'number' ? code : undefined;
}

/** Given an error, returns it and every `cause` under it. */
function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < 8; e = field(e, 'cause')) chain.push(e);
  return chain;
}

/** A Retry-After longer than this is cut to it: a broken header must not stall an informer for hours. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Given a Retry-After header (delta-seconds, or an HTTP date) and the time now, returns the delay
 * in milliseconds, at most MAX_RETRY_AFTER_MS, or undefined when there is no usable value.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  const text = header?.trim() ?? '';
  const date = /^[A-Za-z]{3}, .+ GMT$/.test(text) ? Date.parse(text) : NaN;
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : date - nowMs;
  return Number.isNaN(ms) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/** The least delay a failure asks for (the API server's Retry-After, or see ClusterSourceError), if any. */
export function retryAfterOf(err: unknown): number | undefined {
  const ms = field(err, 'retryAfterMs');
  return typeof ms === 'number' && ms >= 0 ? ms : undefined;
}

/**
 * Is this a failure the same request may not meet again: 429 Too Many Requests, a 5xx, or no answer
 * at all (connection reset, timeout)? Not a 4xx (403, 404, 410: asking again will not help) and not
 * an answer that was no list.
 */
export function isTransientListFailure(err: unknown): boolean {
  if (field(err, 'code') === 'CLUSTER_ERR_LIST_DECODE') return false;
  const status = statusCodeOf(err);
  return status === undefined || status === 429 || status >= 500;
}

/** Is this a 410 (Expired or Gone) answer? */
export function isGone(err: unknown): boolean {
  return statusCodeOf(err) === 410;
}

/**
 * Does this watch failure say nothing about the resourceVersion: the server is throttling (429,
 * as an HTTP answer or an ERROR event) or not accepting connections (ECONNREFUSED)? client-go's
 * reflector retries such a watch from the same resourceVersion after a backoff and never relists
 * for it (isWatchErrorRetriable): a relist is the heaviest request an overloaded server can get.
 */
export function isThrottledOrRefused(err: unknown): boolean {
  return causes(err).some((e) => statusCodeOf(e) === 429 || field(e, 'code') === 'ECONNREFUSED');
}
