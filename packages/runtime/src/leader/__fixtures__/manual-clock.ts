import type { Clock } from '../clock.js';

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Lets queued promise callbacks and their follow-ups run (several macrotask turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Advances `clock` by `ms` and tells whether `work` settled by then; when it did, waits for it, so a
 * rejection fails the test.
 */
export async function doneWithin(clock: ManualClock, ms: number, work: Promise<unknown>): Promise<boolean> {
  let done = false;
  const watched = work.then(() => {
    done = true;
  });
  await clock.advance(ms);
  if (done) await watched;
  return done;
}

/**
 * A clock whose time moves only when a test calls `advance`. Timers fire in time order; after each,
 * pending promise work settles before the next fires, so async loops behave as they would in real time.
 * `skewMs` views the same timeline through a clock that is wrong by that much (as another machine's).
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private pending: Pending[] = [];

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  monotonic(): number {
    return this.current;
  }

  after(ms: number, fn: () => void): () => void {
    const entry: Pending = { at: this.current + Math.max(0, ms), seq: (this.seq += 1), fn };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((p) => p !== entry);
    };
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    await settle();
    for (;;) {
      const next = this.nextDue(end);
      if (next === undefined) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
      await settle();
    }
    this.current = end;
  }

  /** A view of this clock that reads `skewMs` off (timers still fire on the shared timeline). */
  skewed(skewMs: number): Clock {
    return {
      now: () => this.current + skewMs,
      monotonic: () => this.current,
      after: (ms, fn) => this.after(ms, fn),
    };
  }

  /**
   * A view whose wall clock can be stepped (as NTP or a resumed VM steps a machine's clock) while
   * its monotonic clock and timers go on undisturbed.
   */
  jumpable(): Clock & { jump(ms: number): void } {
    let offset = 0;
    return {
      now: () => this.current + offset,
      monotonic: () => this.current,
      after: (ms, fn) => this.after(ms, fn),
      jump: (ms) => {
        offset += ms;
      },
    };
  }

  timers(): number {
    return this.pending.length;
  }

  private nextDue(end: number): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending)
      if (p.at <= end && (best === undefined || p.at < best.at || (p.at === best.at && p.seq < best.seq)))
        best = p;
    return best;
  }
}
