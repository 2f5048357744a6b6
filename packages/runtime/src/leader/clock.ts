import { performance } from 'node:perf_hooks';

/**
 * Time as the leader elector and the event recorder see it: a wall clock in milliseconds, a monotonic
 * clock for durations, and one-shot timers that can be cancelled. Injected so that tests drive time by
 * hand (`__fixtures__/manual-clock.ts`).
 */
export interface Clock {
  /** Wall-clock time (ms since the epoch), for timestamps written to the API. It may jump. */
  now(): number;
  /**
   * Milliseconds on a clock that never jumps (only its differences mean anything), for measuring how
   * long something lasted: a wall clock stepped by NTP or a resumed VM would otherwise make a lease
   * look expired at once, or a renewal look hours younger than it is. Default: `now()`.
   */
  monotonic?(): number;
  /** Runs `fn` once after `ms` milliseconds; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** The clock's monotonic reading, or its wall clock when it has none. */
export function monotonicNow(clock: Clock): number {
  return clock.monotonic ? clock.monotonic() : clock.now();
}

/** The process clock. Its timers are unref'd: a pending retry never keeps the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return () => clearTimeout(timer);
  },
};
