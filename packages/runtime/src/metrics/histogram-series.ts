import type { Histogram } from 'prom-client';

/** One series' values, as prom-client's Histogram keeps them (the entries of its `hashMap`). */
interface SeriesValues {
  sum: number;
  count: number;
  bucketValues: Record<string, number>;
}

/** What of prom-client's Histogram this reads: its series by key, and its buckets' upper bounds. */
interface HistogramInternals {
  readonly hashMap?: Record<string, SeriesValues | undefined>;
  readonly upperBounds?: readonly number[];
  readonly sortedLabelNames?: readonly string[];
  readonly enableExemplars?: boolean;
}

const isSeriesValues = (value: unknown): value is SeriesValues =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as SeriesValues).sum === 'number' &&
  typeof (value as SeriesValues).count === 'number' &&
  typeof (value as SeriesValues).bucketValues === 'object';

/**
 * Observes values into ONE series of a prom-client Histogram (label values given once), for hot
 * paths. prom-client's `observe(labels, value)` checks the label names, builds the series' key string
 * and looks it up, and turns the bucket's bound into a property key, on every call; a request's two
 * observes cost ~1.5 µs of a webhook review's CPU over HTTPS (profiles, fifteenth session of
 * docs/benchmarks.md). This finds the series once, through `observe`, then adds to it in place: the
 * same sum, count and bucket additions in the same order, so a scrape reads exactly what `observe`
 * would have made. It goes through `observe` again whenever the series it holds is no longer the
 * histogram's (after `reset()` or `remove()`), for a value that is not finite (prom-client throws),
 * and always if the histogram does not keep its series as prom-client 15 does. Not for histograms
 * with exemplars.
 */
export class HistogramSeries<L extends string> {
  readonly #histogram: Histogram<L>;
  readonly #internals: HistogramInternals;
  readonly #labels: Partial<Record<L, string | number>>;
  /** The series' key in the histogram's map, as prom-client builds it; undefined: always `observe`. */
  readonly #key: string | undefined;
  /** Each bucket's upper bound, and the property key prom-client counts it under. */
  readonly #bounds: readonly number[];
  readonly #bucketKeys: readonly string[];
  #values: SeriesValues | undefined;

  constructor(histogram: Histogram<L>, labels: Partial<Record<L, string | number>>) {
    const internals = histogram as unknown as HistogramInternals;
    if (internals.enableExemplars === true)
      throw new Error('HistogramSeries does not support histograms with exemplars; call observe() instead');
    this.#histogram = histogram;
    this.#internals = internals;
    this.#labels = { ...labels };
    this.#bounds = Array.isArray(internals.upperBounds) ? [...internals.upperBounds] : [];
    this.#bucketKeys = this.#bounds.map(String);
    this.#key = Array.isArray(internals.sortedLabelNames)
      ? keyOf(internals.sortedLabelNames, this.#labels as Record<string, unknown>)
      : undefined;
  }

  /** Observes `value` (seconds, for a duration) in this series. */
  observe(value: number): void {
    const values = this.#values;
    if (
      values === undefined ||
      this.#internals.hashMap?.[this.#key as string] !== values ||
      !Number.isFinite(value)
    ) {
      this.#observeThroughHistogram(value);
      return;
    }
    values.sum += value;
    values.count += 1;
    const bounds = this.#bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        const key = this.#bucketKeys[i] as string;
        values.bucketValues[key] = (values.bucketValues[key] as number) + 1;
        return;
      }
    }
  }

  #observeThroughHistogram(value: number): void {
    this.#histogram.observe(this.#labels, value);
    if (this.#key === undefined) return;
    const found = this.#internals.hashMap?.[this.#key];
    this.#values = isSeriesValues(found) && sameBuckets(found, this.#bucketKeys) ? found : undefined;
  }
}

/** prom-client's key of a series: `name:value,` for each label name in sorted order that has a value. */
function keyOf(sortedNames: readonly string[], labels: Record<string, unknown>): string {
  let key = '';
  for (const name of sortedNames) {
    const value = labels[name];
    if (value !== undefined) key += `${name}:${String(value)},`;
  }
  return key;
}

/** Does the series count its buckets under these keys (as prom-client 15 does), and no others? */
function sameBuckets(values: SeriesValues, bucketKeys: readonly string[]): boolean {
  const keys = Object.keys(values.bucketValues);
  return (
    keys.length === bucketKeys.length && bucketKeys.every((key) => Object.hasOwn(values.bucketValues, key))
  );
}

/**
 * One HistogramSeries per key, each made on first use from `labelsOf(key)`: for label values from a
 * small fixed set (a webhook's kind labels, a route's status codes), found by one Map look-up.
 */
export function seriesByKey<K, L extends string>(
  histogram: Histogram<L>,
  labelsOf: (key: K) => Partial<Record<L, string | number>>,
): (key: K) => HistogramSeries<L> {
  const made = new Map<K, HistogramSeries<L>>();
  return (key) => {
    let series = made.get(key);
    if (series === undefined) {
      series = new HistogramSeries(histogram, labelsOf(key));
      made.set(key, series);
    }
    return series;
  };
}
