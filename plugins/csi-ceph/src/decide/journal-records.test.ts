import { CSI_ERR } from '../errors.js';
import {
  holderGone,
  leased,
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
});

describe('leased / unleased', () => {
  it('given a record, adds and removes the lease and nothing else', () => {
    const record: { name: string; state: 'reserved'; lease?: LeaseHolder } = { name: 'a', state: 'reserved' };
    const withLease = leased(record, lease());
    expect(withLease.lease).toEqual(lease());
    expect(unleased(withLease)).toEqual(record);
  });
});
