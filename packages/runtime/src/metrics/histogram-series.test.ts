import { Histogram, Registry } from 'prom-client';
import { vi } from 'vitest';
import { HistogramSeries } from './histogram-series.js';

type Label = 'route' | 'status_code';

function histogram(name = 'corral_test_seconds') {
  const registry = new Registry();
  const metric = new Histogram<Label>({
    name,
    help: 'test',
    labelNames: ['route', 'status_code'],
    buckets: [0.001, 0.01, 0.1, 1],
    registers: [registry],
  });
  return { registry, metric };
}

/** Values on, between, below and above the buckets, and ones whose float sum depends on the order. */
const VALUES = [0.0005, 0.001, 0.0011, 0.01, 0.1, 0.3, 1, 2.5, 0, 0.1 + 0.2, 1e-9, 7e3, 0.02, 0.3];

describe('HistogramSeries', () => {
  it('given the same values as observe(), a scrape reads exactly the same text', async () => {
    const direct = histogram();
    const series = histogram();
    const labels = { route: '/validate', status_code: '200' };
    const other = { route: '/validate', status_code: '403' };
    const observer = new HistogramSeries(series.metric, labels);
    const otherObserver = new HistogramSeries(series.metric, other);
    for (const value of VALUES) {
      direct.metric.observe(labels, value);
      direct.metric.observe(other, value / 3);
      observer.observe(value);
      otherObserver.observe(value / 3);
    }
    expect(await series.registry.metrics()).toBe(await direct.registry.metrics());
  });

  it('given many values, finds its series once and then adds to it without observe()', () => {
    const { metric } = histogram();
    const observe = vi.spyOn(metric, 'observe');
    const observer = new HistogramSeries(metric, { route: '/mutate', status_code: '200' });
    for (let i = 0; i < 100; i++) observer.observe(0.002);
    expect(observe).toHaveBeenCalledTimes(1);
  });

  it('given a reset or a removal of its series, keeps counting in the new series', async () => {
    const direct = histogram();
    const series = histogram();
    const labels = { route: '/validate', status_code: '200' };
    const observer = new HistogramSeries(series.metric, labels);
    const both = (value: number) => {
      direct.metric.observe(labels, value);
      observer.observe(value);
    };
    both(0.5);
    direct.metric.reset();
    series.metric.reset();
    both(0.05);
    both(0.005);
    direct.metric.remove(labels);
    series.metric.remove(labels);
    both(2);
    const text = await series.registry.metrics();
    expect(text).toBe(await direct.registry.metrics());
    expect(text).toContain('corral_test_seconds_count{route="/validate",status_code="200"} 1');
  });

  it('given a value that is not a finite number, throws as observe() does', () => {
    const { metric } = histogram();
    const observer = new HistogramSeries(metric, { route: '/validate', status_code: '200' });
    observer.observe(0.1);
    expect(() => observer.observe(Number.NaN)).toThrow(/not a valid number/);
    expect(() => observer.observe(Number.POSITIVE_INFINITY)).toThrow(/not a valid number/);
  });

  it('given a histogram with exemplars, refuses it', () => {
    const metric = new Histogram({
      name: 'corral_exemplar_seconds',
      help: 'test',
      enableExemplars: true,
      registers: [],
    });
    expect(() => new HistogramSeries(metric, {})).toThrow(/exemplars/);
  });
});
