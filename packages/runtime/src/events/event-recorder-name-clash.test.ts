import { Registry } from 'prom-client';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { ManualClock } from '../leader/__fixtures__/manual-clock.js';
import { FakeApiError } from '../leader/__fixtures__/memory-leases.js';
import { MemoryEvents } from './__fixtures__/memory-events.js';
import { createEventRecorder, type EventsApi } from './event-recorder.js';
import type { EventToRecord } from './event-types.js';

const occurrence: EventToRecord = {
  regarding: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', namespace: 'team-a' },
  type: 'Warning',
  reason: 'PolicyDenied',
  action: 'Deny',
  note: '[quota] no room',
};

/** Answers the next `clashes` creates with 409 AlreadyExists (another replica took the name). */
function clashing(api: EventsApi, clashes: number): EventsApi {
  let left = clashes;
  return {
    ...api,
    createNamespacedEvent: (param: Parameters<EventsApi['createNamespacedEvent']>[0]) => {
      if (left <= 0) return api.createNamespacedEvent(param);
      left -= 1;
      return Promise.reject(new FakeApiError(409));
    },
  };
}

function replica(clock: ManualClock, api: EventsApi, instance = 'adm-0') {
  const logs = memoryDestination();
  const registry = new Registry();
  const recorder = createEventRecorder({
    api,
    controller: 'corral.dev/admission',
    instance,
    clock,
    registry,
    seriesFlushMs: 1_000,
    logger: createLogger({ level: 'debug', name: 't', destination: logs.stream }),
  });
  const dropped = async () =>
    ((await registry.getSingleMetric('corral_kube_events_dropped_total')?.get())?.values ?? []).reduce(
      (sum, v) => sum + v.value,
      0,
    );
  const warnings = () => logs.lines.filter((l) => l['level'] === 'warn' || l['level'] === 'error');
  return { recorder, dropped, warnings };
}

afterEach(() => vi.restoreAllMocks());

describe('EventRecorder when an Event name is taken (409 AlreadyExists)', () => {
  it('given a 409 on the create, creates it again once under a fresh name and patches its series there', async () => {
    const clock = new ManualClock();
    const events = new MemoryEvents(clock);
    const { recorder, dropped, warnings } = replica(clock, clashing(events.api(), 1));
    recorder.record(occurrence);
    await recorder.flush();
    for (let i = 0; i < 3; i += 1) recorder.record(occurrence);
    await recorder.flush();
    const creates = events.calls.filter((c) => c.verb === 'create');
    expect(creates).toHaveLength(1);
    expect(events.events.size).toBe(1);
    const [stored] = [...events.events.values()];
    expect(stored?.series?.count).toBe(4);
    expect(events.calls.filter((c) => c.verb === 'patch').map((c) => c.name)).toEqual([
      stored?.metadata?.name,
    ]);
    expect(await dropped()).toBe(0);
    expect(warnings()).toEqual([]);
  });

  it('given two 409s in a row, gives the Event up as refused (no third try)', async () => {
    const clock = new ManualClock();
    const events = new MemoryEvents(clock);
    let tries = 0;
    const api = clashing(events.api(), 2);
    const counting: EventsApi = {
      ...api,
      createNamespacedEvent: (param: Parameters<EventsApi['createNamespacedEvent']>[0]) => {
        tries += 1;
        return api.createNamespacedEvent(param);
      },
    };
    const { recorder, dropped } = replica(clock, counting);
    recorder.record(occurrence);
    await recorder.flush();
    recorder.record(occurrence);
    await recorder.flush();
    expect(tries).toBe(2);
    expect(events.events.size).toBe(0);
    expect(await dropped()).toBe(2);
  });

  it('given two replicas recording the same occurrence at the same instant, names their Events apart', async () => {
    // The same Math.random draw in both: each recorder's sequence starts at the same number.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const clock = new ManualClock();
    const events = new MemoryEvents(clock);
    const first = replica(clock, events.api(), 'adm-0');
    const second = replica(clock, events.api(), 'adm-1');
    first.recorder.record(occurrence);
    second.recorder.record(occurrence);
    await Promise.all([first.recorder.flush(), second.recorder.flush()]);
    const names = events.calls.filter((c) => c.verb === 'create').map((c) => c.name);
    expect(names).toHaveLength(2);
    expect(names[0]).not.toBe(names[1]);
    expect(events.events.size).toBe(2);
  });
});
