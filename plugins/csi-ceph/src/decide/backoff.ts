/** Capped exponential backoff for background retries (e.g. the flatten resume scan). */
import { backoffDelay } from '@corral/cluster';

export interface Backoff {
  /** The wait after the first failure, ms. */
  readonly firstMs: number;
  /** No wait is longer than this, ms. */
  readonly maxMs: number;
}

/** 5 s, doubling, at most 5 minutes. */
export const RESUME_BACKOFF: Backoff = { firstMs: 5_000, maxMs: 300_000 };

/** Given how many attempts failed in a row (1 or more), returns how long to wait before the next. */
export function retryDelayMs(failures: number, backoff: Backoff = RESUME_BACKOFF): number {
  const doublings = Number.isFinite(failures) ? Math.max(0, Math.floor(failures) - 1) : 0;
  // The informers' backoff (@corral/cluster), without jitter: one background scan per driver.
  return backoffDelay(
    doublings,
    { initialMs: backoff.firstMs, maxMs: backoff.maxMs, factor: 2, jitter: 0 },
    0,
  );
}
