import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { type Clock, sleep } from './clock.js';

export interface SuperviseOptions {
  /**
   * The supervised work. Runs until `signal` aborts (then returns) or fails (then throws); calls
   * `healthy()` when it did useful work, which resets the backoff for its next failure.
   */
  readonly run: (signal: AbortSignal, healthy: () => void) => Promise<void>;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly backoff: BackoffPolicy;
  /** A number in [0, 1) for jitter. */
  readonly random: () => number;
  /** Called once per failure, before waiting `delayMs`; `restarts` counts from 1. */
  readonly onRestart: (error: unknown, restarts: number, delayMs: number) => void;
  /** The least delay a failure asks for (the API server's Retry-After), even above the backoff's maximum. */
  readonly minDelayMs?: (error: unknown) => number | undefined;
}

/**
 * Keeps `run` going: after each failure waits a capped exponential backoff with jitter (or longer,
 * when the failure asks for it), then runs it again, until `signal` aborts. Resolves once stopped and the last run has returned.
 */
export async function supervise(options: SuperviseOptions): Promise<void> {
  const { signal } = options;
  let attempt = 0;
  let restarts = 0;
  while (!signal.aborted) {
    let wasHealthy = false;
    try {
      await options.run(signal, () => (wasHealthy = true));
      return;
    } catch (err) {
      if (signal.aborted) return;
      if (wasHealthy) attempt = 0;
      const backoffMs = backoffDelay(attempt, options.backoff, options.random());
      const delayMs = Math.max(backoffMs, options.minDelayMs?.(err) ?? 0);
      attempt += 1;
      restarts += 1;
      options.onRestart(err, restarts, delayMs);
      await sleep(options.clock, delayMs, signal);
    }
  }
}
