import {
  clipBytes,
  eventBody,
  eventKey,
  eventName,
  eventProblem,
  NOTE_LIMIT_BYTES,
  seriesPatch,
} from './event-body.js';
import type { EventToRecord } from './event-types.js';

const event: EventToRecord = {
  regarding: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9', namespace: 'team-a', uid: 'u1' },
  related: { apiVersion: 'v1', kind: 'Pod', name: 'web-7d4b9-x2x', namespace: 'team-a' },
  type: 'Warning',
  reason: 'PolicyDenied',
  action: 'Deny',
  note: '[image-forbid-latest] pin a version',
};

describe('event bodies', () => {
  it('given a first occurrence, builds an events.k8s.io/v1 Event with every required field', () => {
    const at = Date.UTC(2025, 2, 4, 5, 6, 7, 89);
    expect(
      JSON.parse(
        JSON.stringify(
          eventBody(event, {
            name: 'web-7d4b9.1',
            controller: 'corral.dev/admission',
            instance: 'adm-0',
            nowMs: at,
          }),
        ),
      ),
    ).toEqual({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'web-7d4b9.1', namespace: 'team-a' },
      eventTime: '2025-03-04T05:06:07.089000Z',
      regarding: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web-7d4b9',
        namespace: 'team-a',
        uid: 'u1',
      },
      related: { apiVersion: 'v1', kind: 'Pod', name: 'web-7d4b9-x2x', namespace: 'team-a' },
      type: 'Warning',
      reason: 'PolicyDenied',
      action: 'Deny',
      note: '[image-forbid-latest] pin a version',
      reportingController: 'corral.dev/admission',
      reportingInstance: 'adm-0',
    });
  });

  it('given a note over 1 KiB (multi-byte characters too), clips it to 1 KiB ending in an ellipsis', () => {
    const long = 'é'.repeat(2000);
    const clipped = clipBytes(long, NOTE_LIMIT_BYTES);
    expect(Buffer.byteLength(clipped, 'utf8')).toBeLessThanOrEqual(NOTE_LIMIT_BYTES);
    expect(clipped.endsWith('…')).toBe(true);
    expect(clipped.slice(0, -1)).toMatch(/^é+$/);
    expect(clipBytes('short', NOTE_LIMIT_BYTES)).toBe('short');
  });

  it('given the same occurrence with another related object, keys it the same; another note, differently', () => {
    expect(eventKey({ ...event, related: undefined })).toBe(eventKey(event));
    expect(eventKey({ ...event, note: 'other' })).not.toBe(eventKey(event));
    expect(eventKey({ ...event, regarding: { ...event.regarding, name: 'web-2' } })).not.toBe(
      eventKey(event),
    );
  });

  it('given a regarding name and a time, names the Event <name>.<hex nanoseconds><8 random hex digits>', () => {
    const nanos = (1_000_000_000n + 1n).toString(16);
    expect(eventName('web', 1_000, 1)).toMatch(new RegExp(`^web\\.${nanos}[0-9a-f]{8}$`));
    expect(eventName('web', 1_000, 2).startsWith(`web.${(1_000_000_000n + 2n).toString(16)}`)).toBe(true);
    expect(eventName('x'.repeat(300), Date.UTC(2100, 0, 1), 999_999).length).toBeLessThanOrEqual(253);
  });

  it('given the same regarding name, time and sequence (two replicas), names each Event apart', () => {
    const names = new Set(Array.from({ length: 1_000 }, () => eventName('web', 1_000, 1)));
    expect(names.size).toBe(1_000);
  });

  it.each([
    ['no reason', { ...event, reason: '' }, 'the event has no reason'],
    [
      'no regarding name',
      { ...event, regarding: { ...event.regarding, name: '' } },
      'the regarding object has no kind or name',
    ],
    ['a bad type', { ...event, type: 'Error' as never }, 'type must be Normal or Warning'],
  ])('given %s, names the problem', (_name, bad, problem) => {
    expect(eventProblem(bad)).toBe(problem);
  });

  it('given a count, writes the series as one JSON Patch add', () => {
    expect(seriesPatch(3, Date.UTC(2025, 0, 1))).toEqual([
      { op: 'add', path: '/series', value: { count: 3, lastObservedTime: '2025-01-01T00:00:00.000000Z' } },
    ]);
  });
});
