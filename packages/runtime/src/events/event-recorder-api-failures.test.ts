import { FakeApiError } from '../leader/__fixtures__/memory-leases.js';
import { type EventsApi } from './event-recorder.js';
import type { EventToRecord } from './event-types.js';
import { recorderSetup } from './__fixtures__/recorder-setup.js';

const occurrence = (name: string, namespace = 'team-a', note = '[quota] no room'): EventToRecord => ({
  regarding: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name, namespace },
  type: 'Warning',
  reason: 'PolicyDenied',
  action: 'Deny',
  note,
});

const setup = recorderSetup;

describe('EventRecorder when the API refuses an Event', () => {
  it('given a namespace being terminated (403), asks once per Event, not once per repeat, and warns once', async () => {
    const { events, recorder, warnings, clock } = setup();
    events.failWith = 403;
    for (let i = 0; i < 200; i += 1) {
      recorder.record(occurrence('web'));
      await clock.advance(100);
    }
    await recorder.flush();
    expect(events.calls.filter((c) => c.verb === 'create')).toHaveLength(1);
    expect(warnings()).toHaveLength(1);
  });

  it('given Events refused (422) among Events written, does not log the refusals as an API outage every time', async () => {
    let refused = 0;
    // Events about `bad-*` objects are refused as invalid; the others are written.
    const refusing = (api: EventsApi): EventsApi => ({
      ...api,
      createNamespacedEvent: (param: Parameters<EventsApi['createNamespacedEvent']>[0]) => {
        if (!param.body.regarding?.name?.startsWith('bad')) return api.createNamespacedEvent(param);
        refused += 1;
        return Promise.reject(new FakeApiError(422));
      },
    });
    const { events, recorder, warnings, clock } = setup({}, refusing);
    for (let i = 0; i < 50; i += 1) {
      recorder.record(occurrence(`bad-${i}`));
      recorder.record(occurrence(`good-${i}`));
      await clock.advance(10);
    }
    await recorder.flush();
    expect(refused).toBe(50);
    expect(events.events.size).toBe(50);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ status: 422 });
  });
});

describe('EventRecorder when the API throttles (429 with Retry-After)', () => {
  it('sends nothing more until Retry-After has passed, then writes again', async () => {
    const { events, recorder, clock } = setup({ concurrency: 1 });
    events.failWith = 429;
    events.retryAfterSeconds = 5;
    recorder.record(occurrence('rs-0'));
    await clock.advance(10);
    events.failWith = undefined;
    for (let i = 1; i <= 5; i += 1) recorder.record(occurrence(`rs-${i}`));
    await clock.advance(4_000);
    expect(events.calls).toHaveLength(1);
    await clock.advance(1_100);
    await recorder.flush();
    expect(events.calls).toHaveLength(6);
    expect(events.events.size).toBe(5);
  });
});
