import { Registry } from 'prom-client';
import { memoryRecorder } from './__fixtures__/memory-recorder.js';
import type { EventToRecord } from './event-types.js';

const denial = (owner: number): EventToRecord => ({
  regarding: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `rs-${owner}`, namespace: 'team-a' },
  related: { apiVersion: 'v1', kind: 'Pod', name: `rs-${owner}-${Math.random().toString(36).slice(2)}` },
  type: 'Warning',
  reason: 'PolicyDenied',
  action: 'Deny',
  note: 'Corral denied creating a Pod: [quota] the department has no room',
});

async function counts(registry: Registry, name: string): Promise<Record<string, number>> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return Object.fromEntries(values.map((v) => [String(Object.values(v.labels)[0]), v.value]));
}

describe('EventRecorder under a burst of 10,000 denials across 1,000 objects', () => {
  it('given small memory (maxKeys), forgets the least recently seen and never holds more', async () => {
    const { clock, recorder } = memoryRecorder({ maxKeys: 100 });
    for (let i = 0; i < 10_000; i += 1) {
      recorder.record(denial(i % 1_000));
      if (i % 100 === 99) await clock.advance(50);
    }
    await clock.advance(60_000);
    await recorder.flush();
    const state = recorder as unknown as { entries: Map<string, unknown>; buckets: { size(): number } };
    expect(state.entries.size).toBeLessThanOrEqual(100);
    expect(state.buckets.size()).toBeLessThanOrEqual(100);
    await recorder.stop();
  });

  it('writes at most one Event per object plus bounded series patches, keeps its memory bounded, and leaves no timer behind', async () => {
    const registry = new Registry();
    const { clock, events, recorder } = memoryRecorder({ registry });
    events.latencyMs = 5;
    for (let i = 0; i < 10_000; i += 1) {
      recorder.record(denial(i % 1_000));
      if (i % 100 === 99) await clock.advance(50);
    }
    await clock.advance(60_000);
    const flushed = recorder.flush();
    await clock.advance(60_000);
    await flushed;
    const creates = events.calls.filter((c) => c.verb === 'create');
    const patches = events.calls.filter((c) => c.verb === 'patch');
    // At most one Event per regarding object; never more series patches than Events.
    expect(new Set(creates.map((c) => c.name.split('.')[0])).size).toBe(creates.length);
    expect(creates.length).toBeLessThanOrEqual(1_000);
    expect(patches.length).toBeLessThanOrEqual(creates.length);
    // Every occurrence is accounted for: written once, folded into a series, or counted as dropped.
    const written = await counts(registry, 'corral_kube_events_written_total');
    const dropped = await counts(registry, 'corral_kube_events_dropped_total');
    expect(written['create']).toBe(creates.length);
    expect(Object.keys(dropped).every((r) => ['queue_full', 'rate_limited'].includes(r))).toBe(true);
    // Series counts add up to no more than what was recorded.
    const total = [...events.events.values()].reduce((sum, e) => sum + (e.series?.count ?? 1), 0);
    expect(total).toBeLessThanOrEqual(10_000);
    // Objects gone: an hour on, nothing is pending.
    await clock.advance(3_600_000);
    expect(clock.timers()).toBe(0);
    const state = recorder as unknown as { entries: Map<string, unknown>; queue: unknown[]; idle: unknown[] };
    expect(state.entries.size).toBeLessThanOrEqual(1_000);
    expect(state.queue).toHaveLength(0);
    expect(state.idle).toHaveLength(0);
    const stopped = recorder.stop();
    await clock.advance(10_000);
    await stopped;
  });
});
