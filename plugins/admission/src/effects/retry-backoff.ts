/**
 * The wait before another attempt at a contended quota record (docs/adr/0009): "full jitter", a
 * random delay between 0 and a cap that starts at `baseMs` and doubles with each retry up to
 * `maxMs`, so replicas whose saves conflicted do not reload and write again in lockstep. With the
 * defaults (5 ms, 50 ms) the 19 waits of 20 attempts add up to at most 825 ms, well within a review's
 * deadline (8 s by default); a wait also ends as soon as every review of the batch has been answered.
 */
export interface RetryBackoff {
  /** Cap of the wait before the first retry, in ms. */
  readonly baseMs: number;
  /** Cap of any wait, in ms. */
  readonly maxMs: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoff = Object.freeze({ baseMs: 5, maxMs: 50 });

/** The wait before retry number `retry` (1 for the first): `random()` (in [0, 1)) times its cap. */
export function backoffDelay(retry: number, backoff: RetryBackoff, random: () => number): number {
  const cap = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(Math.max(retry - 1, 0), 30));
  return Math.max(0, cap) * random();
}

/** Resolves after `ms`, or as soon as `signal` aborts; never rejects. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
