/** Anything that expires at a time on the ledger's clock (ms). */
export interface Expiring {
  readonly expiresAt: number;
}

/** Items in the order they expire, read from `head` on. */
interface Run<T> {
  items: (T | undefined)[];
  head: number;
  /** The latest expiry pushed: a later push that expires sooner breaks the order. */
  latest: number;
}

/** Below this many queued items, removed ones are left for popExpired to meet. */
const COMPACT_MIN = 1024;

/**
 * The expiry order of a ledger whose items all live the same TTL. Items arrive in the order they
 * expire, so the queue is a FIFO read from the front: each call costs the number of items it takes off.
 * A clock that steps backwards breaks that order: the item then starts a new run (a FIFO of its own)
 * and every run is read from its front, so expiry stays exact whatever the clock does.
 *
 * Removal is lazy: the owner marks an item removed (released, replaced, counted by the snapshot) with
 * `forget()` and `isCurrent` tells such items apart when they reach a front; once they make up half of
 * the queue, the queue is rebuilt without them, so memory stays within twice the live items.
 */
export class ExpiryQueue<T extends Expiring> {
  private runs: Run<T>[] = [];
  private queued = 0;
  private stale = 0;

  constructor(private readonly isCurrent: (item: T) => boolean) {}

  /** Items held in the queue, removed ones not yet met included. */
  get length(): number {
    return this.queued;
  }

  /** How many FIFO runs: 1 while the clock only moves forward. */
  get runCount(): number {
    return this.runs.length;
  }

  push(item: T): void {
    const last = this.runs.at(-1);
    if (last && item.expiresAt >= last.latest) {
      last.items.push(item);
      last.latest = item.expiresAt;
    } else {
      this.runs.push({ items: [item], head: 0, latest: item.expiresAt });
    }
    this.queued += 1;
  }

  /** One pushed item is no longer current (isCurrent now says false for it). */
  forget(): void {
    this.stale += 1;
    if (this.queued >= COMPACT_MIN && this.stale * 2 > this.queued) this.compact();
  }

  /** Takes the current items that expired by `now` (expiresAt <= now) off the queue, handing each over. */
  popExpired(now: number, onExpired: (item: T) => void): void {
    let emptied = false;
    for (const run of this.runs) {
      this.popRun(run, now, onExpired);
      if (run.head === run.items.length) emptied = true;
      else if (run.head >= COMPACT_MIN && run.head * 2 > run.items.length) {
        run.items = run.items.slice(run.head);
        run.head = 0;
      }
    }
    if (emptied) this.runs = this.runs.filter((run) => run.head < run.items.length);
  }

  private popRun(run: Run<T>, now: number, onExpired: (item: T) => void): void {
    while (run.head < run.items.length) {
      const item = run.items[run.head] as T;
      const current = this.isCurrent(item);
      if (current && item.expiresAt > now) return;
      run.items[run.head] = undefined;
      run.head += 1;
      this.queued -= 1;
      if (current) onExpired(item);
      else this.stale -= 1;
    }
  }

  /** Drops the removed items (each run stays in expiry order). */
  private compact(): void {
    const runs: Run<T>[] = [];
    for (const run of this.runs) {
      const items: T[] = [];
      for (let i = run.head; i < run.items.length; i += 1) {
        const item = run.items[i] as T;
        if (this.isCurrent(item)) items.push(item);
      }
      if (items.length > 0) runs.push({ items, head: 0, latest: run.latest });
    }
    this.runs = runs;
    this.queued = runs.reduce((sum, run) => sum + run.items.length, 0);
    this.stale = 0;
  }
}
