import type { Counter } from 'prom-client';

/** One series' pending increments. */
interface Pending<L extends string> {
  readonly labels: Record<L, string>;
  count: number;
}

/**
 * Increments for a prom-client Counter, summed locally and handed over when the counter is collected
 * (on every scrape), so that a hot path pays one string key and one Map lookup per increment instead
 * of prom-client's label validation and hashing. Scrapes see exactly the same totals. Wire it as the
 * counter's `collect`:
 *
 *     const tally = new CounterTally(['webhook', 'kind']);
 *     const counter = new Counter({ ..., labelNames: ['webhook', 'kind'], collect() { tally.drainInto(this); } });
 */
export class CounterTally<L extends string> {
  readonly #pending = new Map<string, Pending<L>>();

  constructor(private readonly labelNames: readonly L[]) {}

  /** Adds `by` (default 1) to the series with these label values. */
  inc(labels: Readonly<Record<L, string>>, by = 1): void {
    let key = '';
    for (const name of this.labelNames) key += `${labels[name]}\u0000`;
    const pending = this.#pending.get(key);
    if (pending) pending.count += by;
    else this.#pending.set(key, { labels: { ...labels }, count: by });
  }

  /** Moves every pending increment into the counter (its label names must be this tally's). */
  drainInto(counter: Counter<L>): void {
    for (const pending of this.#pending.values()) {
      if (pending.count === 0) continue;
      counter.inc(pending.labels, pending.count);
      pending.count = 0;
    }
  }
}
