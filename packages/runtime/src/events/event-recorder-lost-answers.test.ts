import type { EventsV1Event } from '@kubernetes/client-node';
import { type EventsApi } from './event-recorder.js';
import type { EventToRecord } from './event-types.js';
import { recorderSetup } from './__fixtures__/recorder-setup.js';

/**
 * Writes the API committed but answered too late (the client gave them up at its timeout), and
 * Events that vanish under a running series: a retry never makes a second Event or double-counts,
 * and a series whose Event expired goes on in a new one.
 */

const occurrence: EventToRecord = {
  regarding: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', namespace: 'team-a', uid: 'rs-uid' },
  type: 'Warning',
  reason: 'PolicyDenied',
  action: 'Deny',
  note: '[quota] no room',
};

const CALL_TIMEOUT_MS = 10_000;

const setup = (wrap = (api: EventsApi) => api) => recorderSetup({ callTimeoutMs: CALL_TIMEOUT_MS }, wrap);

describe('EventRecorder when a create lands but its answer comes too late', () => {
  it('given a repeat, sends the same create again, finds its own Event (409) and writes the count there: one Event', async () => {
    const { clock, events, recorder, verbs, stored, written } = setup();
    events.answerLost = true;
    recorder.record(occurrence);
    await clock.advance(CALL_TIMEOUT_MS + 1);
    expect(events.events.size).toBe(1);
    events.answerLost = false;
    recorder.record(occurrence);
    await clock.advance(1_000);
    await recorder.flush();
    await clock.advance(1_000);
    await recorder.flush();
    expect(stored()).toHaveLength(1);
    expect(stored()[0]?.series?.count).toBe(2);
    expect(verbs()).toEqual(['create', 'create', 'get', 'patch']);
    const [first, second] = events.calls;
    // The same name and the same body: the retry is the same create.
    expect(second?.name).toBe(first?.name);
    expect(second?.body).toEqual(first?.body);
    expect(events.calls.at(-1)?.name).toBe(first?.name);
    expect(await written()).toEqual({ create: 1, patch: 1 });
  });

  it('given repeats while each try times out, never makes a second Event', async () => {
    const { clock, events, recorder, stored } = setup();
    events.answerLost = true;
    for (let i = 0; i < 5; i += 1) {
      recorder.record(occurrence);
      await clock.advance(CALL_TIMEOUT_MS + 1_000);
    }
    events.answerLost = false;
    recorder.record(occurrence);
    await clock.advance(2_000);
    await recorder.stop();
    expect(stored()).toHaveLength(1);
    expect(stored()[0]?.series?.count).toBe(6);
    expect(new Set(events.calls.map((c) => c.name)).size).toBe(1);
  });

  it("given the name taken by someone else's Event (409, not ours), creates ours under a fresh name once", async () => {
    // Another writer's Event appears under the name just before our create reaches the API.
    const squatting = (api: EventsApi): EventsApi => ({
      ...api,
      createNamespacedEvent: async (param: Parameters<EventsApi['createNamespacedEvent']>[0]) => {
        if (squatted === 0) {
          squatted += 1;
          const theirs: EventsV1Event = { ...param.body, reportingInstance: 'other-0' };
          await api.createNamespacedEvent({ ...param, body: theirs });
        }
        return api.createNamespacedEvent(param);
      },
    });
    let squatted = 0;
    const { events, recorder, stored, verbs, dropped } = setup(squatting);
    recorder.record(occurrence);
    await recorder.flush();
    expect(verbs()).toEqual(['create', 'create', 'get', 'create']);
    expect(
      stored()
        .map((e) => e.reportingInstance)
        .sort(),
    ).toEqual(['adm-0', 'other-0']);
    const ours = stored().find((e) => e.reportingInstance === 'adm-0');
    expect(ours?.metadata?.name).toBe(events.calls.at(-1)?.name);
    expect(ours?.metadata?.name).not.toBe(events.calls[0]?.name);
    expect(await dropped()).toEqual({});
  });

  it('given a 409 whose Event differs from ours in any identifying field, does not take it for ours', async () => {
    const fields: [string, (e: EventsV1Event) => EventsV1Event][] = [
      ['regarding uid', (e) => ({ ...e, regarding: { ...e.regarding, uid: 'other-uid' } })],
      ['reason', (e) => ({ ...e, reason: 'Other' })],
      ['note', (e) => ({ ...e, note: 'other' })],
      ['reportingController', (e) => ({ ...e, reportingController: 'example.com/other' })],
      ['eventTime', (e) => ({ ...e, eventTime: '2020-01-01T00:00:00.000000Z' as never })],
    ];
    for (const [field, change] of fields) {
      let squatted = false;
      const squatting = (api: EventsApi): EventsApi => ({
        ...api,
        createNamespacedEvent: async (param: Parameters<EventsApi['createNamespacedEvent']>[0]) => {
          if (!squatted) {
            squatted = true;
            await api.createNamespacedEvent({ ...param, body: change(param.body) });
          }
          return api.createNamespacedEvent(param);
        },
      });
      const { recorder, stored } = setup(squatting);
      recorder.record(occurrence);
      await recorder.flush();
      expect({ field, events: stored().length }).toEqual({ field, events: 2 });
    }
  });
});

describe('EventRecorder when a series write is lost', () => {
  it('given a patch committed but answered too late, the next one writes the absolute count (no double count)', async () => {
    const { clock, events, recorder, stored } = setup();
    recorder.record(occurrence);
    await recorder.flush();
    events.answerLost = true;
    recorder.record(occurrence);
    recorder.record(occurrence);
    await clock.advance(1_000 + CALL_TIMEOUT_MS + 1);
    expect(stored()[0]?.series?.count).toBe(3);
    events.answerLost = false;
    recorder.record(occurrence);
    await recorder.stop();
    expect(stored()[0]?.series?.count).toBe(4);
  });

  it('given a patch that failed and no repeat after it, writes the count at stop()', async () => {
    const { clock, events, recorder, stored, verbs } = setup();
    recorder.record(occurrence);
    await recorder.flush();
    events.failWith = 503;
    recorder.record(occurrence);
    recorder.record(occurrence);
    await clock.advance(1_000);
    events.failWith = undefined;
    // Not on its own: nothing is retried while the API fails; the next flush (a repeat's, or stop) does.
    await clock.advance(60_000);
    expect(verbs()).toEqual(['create', 'patch']);
    await recorder.stop();
    expect(verbs()).toEqual(['create', 'patch', 'patch']);
    expect(stored()[0]?.series?.count).toBe(3);
  });
  it('given a repeat while a series patch is in flight at stop(), writes the final count after it', async () => {
    const { clock, events, recorder, stored } = setup();
    recorder.record(occurrence);
    await recorder.flush();
    events.latencyMs = 500;
    recorder.record(occurrence);
    await clock.advance(1_100);
    expect(events.calls.map((c) => c.verb)).toEqual(['create', 'patch']);
    recorder.record(occurrence);
    const stopped = recorder.stop();
    await clock.advance(2_000);
    await stopped;
    expect(stored()[0]?.series?.count).toBe(3);
  });
});

describe('EventRecorder when the Event of a running series expired (404 on the series patch)', () => {
  it('creates it again at once with the count so far: nothing dropped, nothing warned', async () => {
    const { clock, events, recorder, stored, verbs, dropped, warnings } = setup();
    recorder.record(occurrence);
    await recorder.flush();
    const [name] = [...events.events.keys()];
    // The API server's TTL removed it (or someone deleted it).
    events.events.clear();
    recorder.record(occurrence);
    recorder.record(occurrence);
    await clock.advance(1_000);
    expect(verbs()).toEqual(['create', 'patch', 'create']);
    expect(stored()).toHaveLength(1);
    await clock.advance(1_000);
    expect(verbs()).toEqual(['create', 'patch', 'create', 'patch']);
    expect(stored()).toHaveLength(1);
    expect(stored()[0]?.series?.count).toBe(3);
    expect(`team-a/${stored()[0]?.metadata?.name ?? ''}`).toBe(name);
    expect(await dropped()).toEqual({});
    expect(warnings()).toEqual([]);
  });

  it('given its namespace gone too (the create answers 404), asks no more for it and warns once', async () => {
    const { clock, events, recorder, verbs, warnings } = setup();
    recorder.record(occurrence);
    await recorder.flush();
    // The namespace is being deleted: its Events go, and creates there answer 404.
    events.events.clear();
    events.failWith = 404;
    for (let i = 0; i < 50; i += 1) {
      recorder.record(occurrence);
      await clock.advance(1_000);
    }
    await recorder.flush();
    expect(verbs()).toEqual(['create', 'patch', 'create']);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ status: 404 });
  });
});
