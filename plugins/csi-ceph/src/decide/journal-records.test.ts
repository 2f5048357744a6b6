import { CSI_ERR } from '../errors.js';
import {
  cleanupDecision,
  holderGone,
  isForeignLease,
  leased,
  renewedLease,
  takeOverDecision,
  unleased,
  type LeaseHolder,
  type Self,
} from './journal-records.js';

const NOW = 1_700_000_000_000;
const self = (over: Partial<Self> = {}): Self => ({
  host: 'node-1/pid:[1]',
  pid: 100,
  boot: 'boot-me',
  running: new Set(['attempt-running']),
  pidAlive: (pid) => pid === 200,
  ...over,
});
const lease = (over: Partial<LeaseHolder> = {}): LeaseHolder => ({
  attempt: 'attempt-x',
  host: 'node-1/pid:[1]',
  pid: 200,
  boot: 'boot-other',
  until: NOW + 1000,
  ...over,
});

describe('holderGone', () => {
  it.each([
    ['no lease', undefined, true],
    ['an unreadable lease', { attempt: 1 }, true],
    ['a lease that ran out', lease({ until: NOW }), true],
    ['a live lease on another host', lease({ host: 'node-2/pid:[1]', pid: 999 }), false],
    [
      'a live lease of this process, attempt running',
      lease({ boot: 'boot-me', attempt: 'attempt-running' }),
      false,
    ],
    [
      'a live lease of this process, attempt ended',
      lease({ boot: 'boot-me', attempt: 'attempt-ended' }),
      true,
    ],
    ['a live lease of an earlier process with this PID', lease({ pid: 100 }), true],
    ['a live lease of a live process of this host', lease({ pid: 200 }), false],
    ['a live lease of a dead process of this host', lease({ pid: 300 }), true],
  ])('given %s, returns %s', (_label, value, gone) => {
    expect(holderGone(value, self(), NOW)).toBe(gone);
  });

  const WAIT = 120_000;
  const foreign = (over: Partial<LeaseHolder> = {}) => lease({ host: 'node-2/pid:[1]', pid: 999, ...over });
  it.each([
    ['seen just now', foreign(), 0, false],
    ['seen for a millisecond less than the wait', foreign(), WAIT - 1, false],
    ['seen for the whole wait', foreign(), WAIT, true],
    // Clock skew: the holder's clock an hour behind ours (its until long past by ours).
    ['with an until an hour in our past, seen just now', foreign({ until: NOW - 3_600_000 }), 0, false],
    // The holder's clock an hour ahead: our own wait decides, not its until.
    [
      'with an until an hour in our future, seen for the wait',
      foreign({ until: NOW + 3_600_000 }),
      WAIT,
      true,
    ],
  ])('given a lease of another host %s, returns %s', (_label, value, watched, gone) => {
    expect(holderGone(value, self(), NOW, { since: NOW - watched, waitMs: WAIT })).toBe(gone);
  });

  it('given a lease of another host and no sighting, never counts it gone, whatever its until', () => {
    expect(holderGone(lease({ host: 'node-2', until: 0 }), self(), NOW)).toBe(false);
  });

  it('given a lease of this host, ignores a sighting and keeps the same-host rules', () => {
    const watchedLong = { since: NOW - 10 * 3_600_000, waitMs: 1 };
    expect(holderGone(lease({ pid: 200 }), self(), NOW, watchedLong)).toBe(false);
    expect(holderGone(lease({ pid: 300 }), self(), NOW, watchedLong)).toBe(true);
  });
});

describe('isForeignLease', () => {
  it.each([
    ['a lease of another host', lease({ host: 'node-2/pid:[1]' }), true],
    ['a lease of this host', lease(), false],
    ['an unreadable lease', { host: 'node-2' }, false],
    ['no lease', undefined, false],
  ])('given %s, returns %s', (_label, value, foreign) => {
    expect(isForeignLease(value, self())).toBe(foreign);
  });
});

describe('takeOverDecision', () => {
  it('given a reserved record whose holder is gone, passes', () => {
    expect(
      takeOverDecision('volume "a"', { state: 'reserved', lease: lease({ until: NOW - 1 }) }, self(), NOW),
    ).toEqual({ status: 'pass', rule: 'journal-reservation', value: 'take-over' });
  });

  it.each([
    ['a missing record', undefined, 'changed'],
    ['a ready record', { state: 'ready' }, 'completed'],
    ['a record held on another host', { state: 'reserved', lease: lease({ host: 'node-9' }) }, 'node-9'],
  ])('given %s, fails OPERATION_PENDING naming why', (_label, record, word) => {
    const verdict = takeOverDecision('volume "a"', record, self(), NOW);
    expect(verdict).toMatchObject({ status: 'fail', code: CSI_ERR.OPERATION_PENDING });
    expect(verdict.status === 'fail' && verdict.message).toContain(word);
  });

  it("given a foreign lease watched for less than the wait, fails saying when by this replica's clock", () => {
    const record = { state: 'reserved', lease: lease({ host: 'node-9', until: NOW - 1 }) };
    const verdict = takeOverDecision('volume "a"', record, self(), NOW, {
      since: NOW - 1000,
      waitMs: 120_000,
    });
    expect(verdict).toMatchObject({ status: 'fail', code: CSI_ERR.OPERATION_PENDING });
    expect(verdict.status === 'fail' && verdict.message).toContain(
      `unchanged for 120 s by this replica's clock (${new Date(NOW + 119_000).toISOString()})`,
    );
  });

  it('given a foreign lease watched for the whole wait, passes', () => {
    const record = { state: 'reserved', lease: lease({ host: 'node-9', until: NOW + 3_600_000 }) };
    expect(
      takeOverDecision('volume "a"', record, self(), NOW, { since: NOW - 120_000, waitMs: 120_000 }).status,
    ).toBe('pass');
  });
});

describe('leased / unleased', () => {
  it('given a record, adds and removes the lease and nothing else', () => {
    const record: { name: string; state: 'reserved'; lease?: LeaseHolder } = { name: 'a', state: 'reserved' };
    const withLease = leased(record, lease());
    expect(withLease.lease).toEqual(lease());
    expect(unleased(withLease)).toEqual(record);
  });
});

describe('renewedLease', () => {
  const reserved = (over: Partial<LeaseHolder> = {}) =>
    JSON.stringify({ name: 'pvc', state: 'reserved', lease: lease({ attempt: 'attempt-me', ...over }) });
  const holder = lease({ attempt: 'attempt-me', until: NOW + 120_000 });

  it('given the held text of this attempt, returns the same record with the new until', () => {
    const text = renewedLease(reserved(), holder);
    expect(JSON.parse(text!)).toEqual({ name: 'pvc', state: 'reserved', lease: holder });
  });

  it.each([
    ['another attempt', reserved({ attempt: 'attempt-other' })],
    ['a ready record', JSON.stringify({ name: 'pvc', state: 'ready' })],
    ['a record without a lease', JSON.stringify({ name: 'pvc', state: 'reserved' })],
    ['unreadable text', '{'],
  ])('given %s, returns undefined (nothing to renew)', (_label, text) => {
    expect(renewedLease(text, holder)).toBeUndefined();
  });
});

describe('cleanupDecision', () => {
  it.each([
    [true, false, 'keep-for-retry'],
    [false, false, 'leave-to-new-holder'],
    [false, true, 'remove'],
  ] as const)('given unreachable=%s and renewed=%s, returns %s', (unreachable, renewed, step) => {
    expect(cleanupDecision(unreachable, renewed)).toMatchObject({ status: 'pass', value: step });
  });
});
