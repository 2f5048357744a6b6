/** Capped exponential backoff with jitter: `initialMs * factor^attempt`, at most `maxMs`, ± `jitter`. */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  /** Fraction of the delay to spread either way, 0..1 (0.2 → 80%..120%). */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({
  initialMs: 200,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.2,
});

/**
 * Given the 0-based number of failures since the last healthy run and a random number in [0, 1),
 * returns how long to wait before the next attempt, in whole milliseconds, never above `maxMs`.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random01: number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt));
  const spread = base * policy.jitter;
  const jittered = base - spread + 2 * spread * random01;
  return Math.round(Math.min(policy.maxMs, Math.max(0, jittered)));
}
