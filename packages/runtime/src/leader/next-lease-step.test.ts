import { microTime, recordOf, specOf, type LeaderRecord } from './lease-record.js';
import { nextLeaseStep, releasedRecord, type LeaseStep } from './next-lease-step.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0, 123);
const held = (holder: string, extra: Partial<LeaderRecord> = {}): LeaderRecord => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  acquireTime: microTime(T0 - 60_000),
  renewTime: microTime(T0 - 1_000),
  leaseTransitions: 3,
  ...extra,
});

describe('nextLeaseStep', () => {
  const cases: [string, LeaderRecord | undefined, number, number, Partial<LeaseStep> & { kind: string }][] = [
    ['no Lease', undefined, T0, T0, { kind: 'create' }],
    ['our own Lease', held('me'), T0 - 1000, T0, { kind: 'update', takeover: false }],
    ['our own Lease seen unchanged past its duration', held('me'), T0 - 60_000, T0, { kind: 'update' }],
    ['a live Lease of another', held('other'), T0 - 14_999, T0, { kind: 'wait', holder: 'other' }],
    [
      'a Lease of another seen unchanged for its duration',
      held('other'),
      T0 - 15_000,
      T0,
      { kind: 'update' },
    ],
    ['a released Lease (no holder)', held('', { leaseDurationSeconds: 1 }), T0, T0, { kind: 'update' }],
  ];
  it.each(cases)('given %s, returns %j', (_name, current, observedAt, now, expected) => {
    const step = nextLeaseStep({ identity: 'me', current, observedAt, now, leaseDurationSeconds: 15 });
    expect(step).toMatchObject(expected);
  });

  it.each([
    ['vanished while another held it, within its duration', held('other'), T0 - 14_000, 'wait'],
    ['vanished while another held it, past its duration', held('other'), T0 - 15_000, 'create'],
    ['vanished while we held it', held('me'), T0 - 1_000, 'create'],
    ['vanished after it was released', held('', { leaseDurationSeconds: 1 }), T0, 'create'],
  ])('given no Lease, last seen %s, returns %s', (_name, lastSeen, observedAt, kind) => {
    const step = nextLeaseStep({
      identity: 'me',
      current: undefined,
      lastSeen,
      observedAt,
      now: T0,
      leaseDurationSeconds: 15,
    });
    expect(step.kind).toBe(kind);
  });

  it('given a Lease of another whose duration is shorter than ours (edited by hand), waits for our duration', () => {
    const current = held('other', { leaseDurationSeconds: 1 });
    const input = { identity: 'me', current, now: T0, leaseDurationSeconds: 15 };
    expect(nextLeaseStep({ ...input, observedAt: T0 - 5_000 })).toMatchObject({ kind: 'wait' });
    expect(nextLeaseStep({ ...input, observedAt: T0 - 15_000 })).toMatchObject({ kind: 'update' });
  });

  it('given a wall-clock time apart from the monotonic now, stamps the wall-clock time', () => {
    const step = nextLeaseStep({
      identity: 'me',
      current: undefined,
      observedAt: 5,
      now: 5,
      wallNow: T0,
      leaseDurationSeconds: 15,
    });
    expect(step).toMatchObject({ kind: 'create', record: { renewTime: microTime(T0) } });
  });

  it('given our own Lease, renews keeping acquireTime and transitions and stamps renewTime now', () => {
    const step = nextLeaseStep({
      identity: 'me',
      current: held('me'),
      observedAt: T0,
      now: T0,
      leaseDurationSeconds: 15,
    });
    expect(step).toEqual({
      kind: 'update',
      takeover: false,
      record: {
        holderIdentity: 'me',
        leaseDurationSeconds: 15,
        acquireTime: microTime(T0 - 60_000),
        renewTime: '2025-01-01T12:00:00.123000Z',
        leaseTransitions: 3,
      },
    });
  });

  it('given an expired Lease of another, takes over: new acquireTime and one more transition', () => {
    const step = nextLeaseStep({
      identity: 'me',
      current: held('other'),
      observedAt: T0 - 20_000,
      now: T0,
      leaseDurationSeconds: 15,
    });
    expect(step).toEqual({
      kind: 'update',
      takeover: true,
      record: expect.objectContaining({
        holderIdentity: 'me',
        acquireTime: microTime(T0),
        leaseTransitions: 4,
      }),
    });
  });

  it('given a remote renewTime far in the past but a fresh observation, still waits (no trust in remote clocks)', () => {
    const current = held('other', { renewTime: microTime(T0 - 86_400_000) });
    const step = nextLeaseStep({
      identity: 'me',
      current,
      observedAt: T0 - 100,
      now: T0,
      leaseDurationSeconds: 15,
    });
    expect(step).toEqual({ kind: 'wait', holder: 'other', expiresAt: T0 - 100 + 15_000 });
  });

  it('given no Lease, creates one held by us with zero transitions', () => {
    expect(
      nextLeaseStep({
        identity: 'me',
        current: undefined,
        observedAt: T0,
        now: T0,
        leaseDurationSeconds: 15,
      }),
    ).toEqual({
      kind: 'create',
      record: {
        holderIdentity: 'me',
        leaseDurationSeconds: 15,
        acquireTime: microTime(T0),
        renewTime: microTime(T0),
        leaseTransitions: 0,
      },
    });
  });
});

describe('lease records', () => {
  it('given a time, formats a MicroTime with six fraction digits', () => {
    expect(microTime(Date.UTC(2025, 5, 30, 23, 59, 59, 7))).toBe('2025-06-30T23:59:59.007000Z');
  });

  it('given a spec as client-node returns it (times as strings or Dates), reads the record', () => {
    expect(
      recordOf({
        holderIdentity: 'a',
        leaseDurationSeconds: 15,
        acquireTime: '2025-01-01T00:00:00.000000Z' as never,
        renewTime: new Date(Date.UTC(2025, 0, 1, 0, 0, 1)) as never,
        leaseTransitions: 2,
      }),
    ).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2025-01-01T00:00:00.000000Z',
      renewTime: '2025-01-01T00:00:01.000Z',
      leaseTransitions: 2,
    });
  });

  it('given a missing or malformed spec, reads nobody, never', () => {
    expect(recordOf(undefined)).toEqual({ holderIdentity: '', leaseDurationSeconds: 0, leaseTransitions: 0 });
    expect(
      recordOf({ leaseDurationSeconds: -4, leaseTransitions: Number.NaN, holderIdentity: 7 as never }),
    ).toEqual({ holderIdentity: '', leaseDurationSeconds: 0, leaseTransitions: 0 });
  });

  it('given a record, writes a spec whose times serialise as the MicroTime strings', () => {
    const record = held('me');
    expect(JSON.parse(JSON.stringify(specOf(record)))).toEqual(record);
  });

  it('given a held record, releasing empties the holder, sets 1 s and keeps the transitions', () => {
    expect(releasedRecord(held('me'), T0)).toEqual({
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: microTime(T0),
      renewTime: microTime(T0),
      leaseTransitions: 3,
    });
  });
});
