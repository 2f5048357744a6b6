import { type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.js';

/** Timings of the cluster source; every one can be overridden (tests shorten them). */
export interface ClusterSourceTiming {
  /** A synced kind that keeps failing this long is reported unsynced. */
  readonly unsyncedAfterMs: number;
  /** A LIST with no answer, or a WATCH with no response headers, after this long is aborted and retried. */
  readonly listTimeoutMs: number;
  /** A watch ending sooner than this without one event counts as a failure (client-go does the same). */
  readonly shortWatchMs: number;
  /** Each watch asks the server to end it after a random duration in this range (client-go: 5-10 min). */
  readonly watchTimeoutSeconds: { readonly min: number; readonly max: number };
  /** A watch still open this long past its timeoutSeconds is aborted as stalled (half-open socket). */
  readonly stallGraceMs: number;
}

export const DEFAULT_TIMING: ClusterSourceTiming = Object.freeze({
  unsyncedAfterMs: 60_000,
  listTimeoutMs: 60_000,
  shortWatchMs: 1_000,
  watchTimeoutSeconds: Object.freeze({ min: 300, max: 600 }),
  stallGraceMs: 60_000,
});

export interface ResolvedSettings {
  readonly timing: ClusterSourceTiming;
  readonly backoff: BackoffPolicy;
}

/** Given partial overrides, returns complete frozen settings. */
export function resolveSettings(
  timing: Partial<ClusterSourceTiming> = {},
  backoff: Partial<BackoffPolicy> = {},
): ResolvedSettings {
  return Object.freeze({
    timing: Object.freeze({ ...DEFAULT_TIMING, ...timing }),
    backoff: Object.freeze({ ...DEFAULT_BACKOFF, ...backoff }),
  });
}

/** Given a random number in [0, 1), returns a whole number of seconds in the range. */
export function pickWatchTimeout(
  range: ClusterSourceTiming['watchTimeoutSeconds'],
  random01: number,
): number {
  return Math.max(1, Math.floor(range.min + (range.max - range.min) * random01));
}
