import type { Clock } from '../clock.js';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/** A clock for unit tests: time moves only when `advance` is awaited. */
export class FakeClock implements Clock {
  private time = 0;
  private nextId = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): () => void {
    const timer: Timer = { id: this.nextId++, at: this.time + Math.max(0, ms), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t.id !== timer.id);
    };
  }

  /** Delays of the timers now pending, soonest first. */
  pendingDelays(): number[] {
    return this.timers.map((t) => t.at - this.time).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing due timers in order and letting promises settle between. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await settle();
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t.id !== due.id);
      this.time = due.at;
      due.fn();
      await settle();
    }
    this.time = target;
  }
}

/**
 * Lets every pending promise callback run, however long its chain: a macrotask turn comes only once
 * the microtask queue is empty. (A fixed number of `await Promise.resolve()` breaks as soon as a code
 * path takes one more hop than the count.) Time does not move: nothing here uses real timers.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
