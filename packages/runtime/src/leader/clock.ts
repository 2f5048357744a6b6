/**
 * Time as the leader elector and the event recorder see it: a wall clock in milliseconds and one-shot
 * timers that can be cancelled. Injected so that tests drive time by hand (`__fixtures__/manual-clock.ts`).
 */
export interface Clock {
  now(): number;
  /** Runs `fn` once after `ms` milliseconds; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** The process clock. Its timers are unref'd: a pending retry never keeps the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return () => clearTimeout(timer);
  },
};
