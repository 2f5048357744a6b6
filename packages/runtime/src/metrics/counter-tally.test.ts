import { Counter, Registry } from 'prom-client';
import { CounterTally } from './counter-tally.js';

function tallied() {
  const registry = new Registry();
  const tally = new CounterTally<'webhook' | 'outcome'>(['webhook', 'outcome']);
  new Counter({
    name: 'corral_test_total',
    help: 'test',
    labelNames: ['webhook', 'outcome'],
    registers: [registry],
    collect() {
      tally.drainInto(this);
    },
  });
  return { registry, tally };
}

describe('CounterTally', () => {
  it('given increments, a scrape shows their totals per series', async () => {
    const { registry, tally } = tallied();
    tally.inc({ webhook: 'mutate', outcome: 'patched' });
    tally.inc({ webhook: 'mutate', outcome: 'patched' });
    tally.inc({ webhook: 'validate', outcome: 'denied' }, 3);
    const text = await registry.metrics();
    expect(text).toContain('corral_test_total{webhook="mutate",outcome="patched"} 2');
    expect(text).toContain('corral_test_total{webhook="validate",outcome="denied"} 3');
  });

  it('given two scrapes, counts every increment exactly once', async () => {
    const { registry, tally } = tallied();
    tally.inc({ webhook: 'mutate', outcome: 'allowed' });
    await registry.metrics();
    tally.inc({ webhook: 'mutate', outcome: 'allowed' });
    await registry.metrics();
    expect(await registry.metrics()).toContain('corral_test_total{webhook="mutate",outcome="allowed"} 2');
  });

  it('given label values that would run together, keeps the series apart', async () => {
    const { registry, tally } = tallied();
    tally.inc({ webhook: 'ab', outcome: 'c' });
    tally.inc({ webhook: 'a', outcome: 'bc' });
    const text = await registry.metrics();
    expect(text).toContain('corral_test_total{webhook="ab",outcome="c"} 1');
    expect(text).toContain('corral_test_total{webhook="a",outcome="bc"} 1');
  });
});

describe('CounterTally label shapes', () => {
  it('given one label, or none, counts each series apart', async () => {
    const registry = new Registry();
    const one = new CounterTally<'rule'>(['rule']);
    const none = new CounterTally<never>([]);
    new Counter({
      name: 'corral_one_total',
      help: 'test',
      labelNames: ['rule'],
      registers: [registry],
      collect() {
        one.drainInto(this);
      },
    });
    new Counter({
      name: 'corral_none_total',
      help: 'test',
      registers: [registry],
      collect() {
        none.drainInto(this);
      },
    });
    one.inc({ rule: 'a' });
    one.inc({ rule: 'b' }, 2);
    one.inc({ rule: 'a' });
    none.inc({});
    none.inc({}, 4);
    const text = await registry.metrics();
    expect(text).toContain('corral_one_total{rule="a"} 2');
    expect(text).toContain('corral_one_total{rule="b"} 2');
    expect(text).toContain('corral_none_total 5');
  });
});
