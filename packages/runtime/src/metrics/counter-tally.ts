import type { Counter } from 'prom-client';

/** One series' pending increments. */
interface Pending<L extends string> {
  readonly labels: Record<L, string>;
  count: number;
}

/** A level of the series tree: a label's value → the next level, or the series at the last label. */
type Level<L extends string> = Map<string, Level<L> | Pending<L>>;

/**
 * Increments for a prom-client Counter, summed locally and handed over when the counter is collected
 * (on every scrape), so that a hot path pays one Map lookup per label instead of prom-client's label
 * validation and hashing (and builds no key string). Scrapes see exactly the same totals. Wire it as
 * the counter's `collect`:
 *
 *     const tally = new CounterTally(['webhook', 'kind']);
 *     const counter = new Counter({ ..., labelNames: ['webhook', 'kind'], collect() { tally.drainInto(this); } });
 */
export class CounterTally<L extends string> {
  /** Series by label values, one tree level per label name (in `labelNames` order). */
  readonly #root: Level<L> = new Map();
  /** Every series, for draining. */
  readonly #series: Pending<L>[] = [];

  constructor(private readonly labelNames: readonly L[]) {}

  /** Adds `by` (default 1) to the series with these label values. */
  inc(labels: Readonly<Record<L, string>>, by = 1): void {
    const names = this.labelNames;
    let level = this.#root;
    let i = 0;
    for (; i < names.length - 1; i++) {
      const value = labels[names[i] as L];
      let next = level.get(value) as Level<L> | undefined;
      if (next === undefined) level.set(value, (next = new Map()));
      level = next;
    }
    const value = names.length === 0 ? '' : labels[names[i] as L];
    const pending = level.get(value) as Pending<L> | undefined;
    if (pending !== undefined) pending.count += by;
    else {
      const added: Pending<L> = { labels: { ...labels }, count: by };
      level.set(value, added);
      this.#series.push(added);
    }
  }

  /** Moves every pending increment into the counter (its label names must be this tally's). */
  drainInto(counter: Counter<L>): void {
    for (const pending of this.#series) {
      if (pending.count === 0) continue;
      counter.inc(pending.labels, pending.count);
      pending.count = 0;
    }
  }
}
