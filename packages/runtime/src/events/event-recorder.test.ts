import type { EventToRecord } from './event-types.js';
import { recorderSetup } from './__fixtures__/recorder-setup.js';

const occurrence = (name = 'web-7d4b9', note = '[quota] no room'): EventToRecord => ({
  regarding: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name, namespace: 'team-a', uid: `uid-${name}` },
  type: 'Warning',
  reason: 'PolicyDenied',
  action: 'Deny',
  note,
});

const setup = recorderSetup;

describe('EventRecorder', () => {
  it('given a first occurrence, creates one Event in the regarding object namespace', async () => {
    const { events, recorder, written } = setup();
    recorder.record(occurrence());
    await recorder.flush();
    expect(events.calls.map((c) => [c.verb, c.namespace])).toEqual([['create', 'team-a']]);
    const [event] = [...events.events.values()];
    expect(event).toMatchObject({
      regarding: { kind: 'ReplicaSet', name: 'web-7d4b9', uid: 'uid-web-7d4b9' },
      reason: 'PolicyDenied',
      reportingController: 'corral.dev/admission',
      reportingInstance: 'adm-0',
    });
    expect(event?.metadata?.name).toMatch(/^web-7d4b9\.[0-9a-f]+$/);
    expect(await written()).toEqual({ create: 1 });
  });

  it('given repeats within the window, writes one Event and then its series count at most once per flush period', async () => {
    const { clock, events, recorder } = setup();
    recorder.record(occurrence());
    await clock.advance(10);
    for (let i = 0; i < 4; i += 1) {
      recorder.record(occurrence());
      await clock.advance(100);
    }
    expect(events.calls.map((c) => c.verb)).toEqual(['create']);
    await clock.advance(1_000);
    expect(events.calls.map((c) => c.verb)).toEqual(['create', 'patch']);
    const [event] = [...events.events.values()];
    expect(event?.series).toEqual({ count: 5, lastObservedTime: expect.stringMatching(/\.\d{6}Z$/) });
    recorder.record(occurrence());
    recorder.record(occurrence());
    await recorder.flush();
    expect(events.calls.map((c) => c.verb)).toEqual(['create', 'patch', 'patch']);
    expect(event?.series?.count).toBe(7);
    expect(events.events.size).toBe(1);
  });

  it('given a repeat after the aggregation window, creates a new Event', async () => {
    const { clock, events, recorder } = setup({ aggregateWindowMs: 5_000 });
    recorder.record(occurrence());
    await clock.advance(6_000);
    recorder.record(occurrence());
    await recorder.flush();
    expect(events.calls.map((c) => c.verb)).toEqual(['create', 'create']);
    expect(events.events.size).toBe(2);
  });

  it('given many distinct events about one object, rate-limits that object only', async () => {
    const { clock, events, recorder, dropped } = setup({ burst: 3, refillMs: 10_000 });
    for (let i = 0; i < 5; i += 1) recorder.record(occurrence('web', `note ${i}`));
    recorder.record(occurrence('api', 'note 0'));
    await recorder.flush();
    expect(events.calls.filter((c) => c.name.startsWith('web.'))).toHaveLength(3);
    expect(events.calls.filter((c) => c.name.startsWith('api.'))).toHaveLength(1);
    expect(await dropped()).toEqual({ rate_limited: 2 });
    await clock.advance(10_000);
    recorder.record(occurrence('web', 'note 9'));
    await recorder.flush();
    expect(events.calls.filter((c) => c.name.startsWith('web.'))).toHaveLength(4);
  });

  it('given a slow API and a full queue, returns at once and drops the overflow', async () => {
    const { clock, events, recorder, dropped } = setup({ queueSize: 2, concurrency: 1 });
    events.latencyMs = 5_000;
    // CPU time, not wall time: a busy machine may hold the process off the CPU for longer than this.
    const cpu = process.cpuUsage();
    for (let i = 0; i < 6; i += 1) expect(recorder.record(occurrence(`rs-${i}`))).toBeUndefined();
    const { user, system } = process.cpuUsage(cpu);
    expect((user + system) / 1000).toBeLessThan(50);
    expect(await dropped()).toEqual({ queue_full: 3 });
    const flushed = recorder.flush();
    await clock.advance(20_000);
    await flushed;
    expect(events.events.size).toBe(3);
  });

  it('given API failures, drops and counts them without throwing, and creates again once the API answers', async () => {
    const { events, recorder, dropped } = setup();
    events.failWith = 500;
    expect(() => recorder.record(occurrence())).not.toThrow();
    await recorder.flush();
    expect(await dropped()).toEqual({ api_error: 1 });
    events.failWith = undefined;
    recorder.record(occurrence());
    await recorder.flush();
    expect(events.events.size).toBe(1);
  });

  it('given the Event was deleted (404 on the series patch), creates it again at once, its count carried on', async () => {
    const { events, recorder, dropped } = setup();
    recorder.record(occurrence());
    await recorder.flush();
    events.events.clear();
    recorder.record(occurrence());
    await recorder.flush();
    recorder.record(occurrence());
    await recorder.flush();
    expect(events.calls.map((c) => c.verb)).toEqual(['create', 'patch', 'create', 'patch']);
    expect(events.events.size).toBe(1);
    expect([...events.events.values()][0]?.series?.count).toBe(3);
    expect(await dropped()).toEqual({});
  });

  it('given an invalid event or one after stop, drops and counts it; stop writes pending series first', async () => {
    const { events, recorder, dropped } = setup({ seriesFlushMs: 60_000 });
    recorder.record({ ...occurrence(), reason: '' });
    recorder.record(occurrence());
    recorder.record(occurrence());
    await recorder.stop();
    expect(events.calls.map((c) => c.verb)).toEqual(['create', 'patch']);
    expect([...events.events.values()][0]?.series?.count).toBe(2);
    recorder.record(occurrence());
    expect(await dropped()).toEqual({ invalid: 1, stopped: 1 });
  });

  it('given a note over 1 KiB, writes at most 1 KiB', async () => {
    const { events, recorder } = setup();
    recorder.record(occurrence('web', 'x'.repeat(5_000)));
    await recorder.flush();
    const note = [...events.events.values()][0]?.note ?? '';
    expect(Buffer.byteLength(note)).toBeLessThanOrEqual(1024);
  });
});
