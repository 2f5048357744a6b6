import type { EventsV1Event } from '@kubernetes/client-node';
import { ManualClock } from '../leader/__fixtures__/manual-clock.js';
import { MemoryEvents } from './__fixtures__/memory-events.js';
import { createEvent, isSameEvent } from './create-event.js';
import { eventBody } from './event-body.js';

const sent: EventsV1Event = eventBody(
  {
    regarding: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', namespace: 'team-a', uid: 'u1' },
    related: { apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'team-a' },
    type: 'Warning',
    reason: 'PolicyDenied',
    action: 'Deny',
    note: '[quota] no room',
  },
  {
    name: 'web.1',
    controller: 'corral.dev/admission',
    instance: 'adm-0',
    nowMs: Date.UTC(2025, 0, 1, 0, 0, 0, 7),
  },
);

describe('isSameEvent', () => {
  it('given the Event as the API serves it back (defaults added, references reordered), is ours', () => {
    const served = {
      ...sent,
      metadata: { ...sent.metadata, uid: 'x', resourceVersion: '12', creationTimestamp: new Date() },
      regarding: { uid: 'u1', namespace: 'team-a', name: 'web', kind: 'ReplicaSet', apiVersion: 'apps/v1' },
      deprecatedCount: 0,
      eventTime: '2025-01-01T00:00:00.007000Z',
    } as unknown as EventsV1Event;
    expect(isSameEvent(served, sent)).toBe(true);
    expect(
      isSameEvent({ ...served, eventTime: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, 7)) as never }, sent),
    ).toBe(true);
  });

  it.each([
    ['regarding', { regarding: { ...sent.regarding, name: 'api' } }],
    ['related', { related: undefined }],
    ['type', { type: 'Normal' }],
    ['action', { action: 'Admit' }],
    ['reportingInstance (another replica)', { reportingInstance: 'adm-1' }],
    ['eventTime (another occurrence)', { eventTime: '2025-01-01T00:00:00.008000Z' }],
  ])('given a different %s, is not ours', (_field, change) => {
    expect(isSameEvent({ ...sent, ...change } as EventsV1Event, sent)).toBe(false);
  });
});

describe('createEvent', () => {
  const setup = () => {
    const events = new MemoryEvents(new ManualClock());
    let renamed = 0;
    let live = true;
    const attempt = {
      live: () => live,
      rename: () => `web.fresh${(renamed += 1)}`,
    };
    return { events, attempt, giveUp: () => (live = false) };
  };

  it('given a 409 whose Event is gone when read (404), creates under a fresh name', async () => {
    const { events, attempt } = setup();
    const api = events.api();
    const racing = {
      ...api,
      // Answers 409 for an Event deleted just after (its TTL ran out between the two calls).
      createNamespacedEvent: async (param: Parameters<typeof api.createNamespacedEvent>[0]) =>
        param.body.metadata?.name === 'web.1'
          ? Promise.reject(Object.assign(new Error('exists'), { code: 409 }))
          : api.createNamespacedEvent(param),
    };
    expect(await createEvent(racing, 'team-a', sent, attempt)).toEqual({ name: 'web.fresh1', found: false });
    expect(events.calls.map((c) => [c.verb, c.name])).toEqual([
      ['get', 'web.1'],
      ['create', 'web.fresh1'],
    ]);
  });

  it('given the try given up (deadline passed) before its 409 came back, sends nothing more', async () => {
    const { events, attempt, giveUp } = setup();
    events.events.set('team-a/web.1', { ...sent, reportingInstance: 'adm-1' });
    giveUp();
    await expect(createEvent(events.api(), 'team-a', sent, attempt)).rejects.toMatchObject({ code: 409 });
    expect(events.calls.map((c) => c.verb)).toEqual(['create']);
  });

  it('given the try given up while reading back, does not create under a fresh name', async () => {
    const { events, attempt, giveUp } = setup();
    events.events.set('team-a/web.1', { ...sent, reportingInstance: 'adm-1' });
    const api = events.api();
    const slowRead = {
      ...api,
      readNamespacedEvent: async (param: Parameters<typeof api.readNamespacedEvent>[0]) => {
        const found = await api.readNamespacedEvent(param);
        giveUp();
        return found;
      },
    };
    await expect(createEvent(slowRead, 'team-a', sent, attempt)).rejects.toThrow(/given up/);
    expect(events.calls.map((c) => c.verb)).toEqual(['create', 'get']);
    expect(events.events.size).toBe(1);
  });
});
