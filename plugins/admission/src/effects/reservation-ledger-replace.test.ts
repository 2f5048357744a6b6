import { UNIT } from '@corral/cluster';
import { ReservationLedger } from './reservation-ledger.js';

const pods = (n: bigint) => new Map([['pods', n * UNIT]]);

/** The ledger's expiry queue, for the memory bound (items held, the replaced ones not yet dropped). */
const queueOf = (ledger: ReservationLedger) =>
  (ledger as unknown as { queue: { length: number; stale: number } }).queue;
const queued = (ledger: ReservationLedger): number => queueOf(ledger).length;

describe('ReservationLedger: a reservation replaced under its own key', () => {
  let now = 0;
  const counted = new Set<string>();
  const ledger = () =>
    new ReservationLedger({ ttlMs: 1000, isCounted: (key) => counted.has(key), now: () => now });
  beforeEach(() => {
    now = 0;
    counted.clear();
  });

  it('given one key reserved again and again, keeps the queue bounded and expires it exactly once', () => {
    const l = ledger();
    l.reserve('Pod/a/other', ['namespace/a'], pods(1n));
    for (let i = 0; i < 5000; i++) {
      now = Math.floor(i / 10); // the other one, first in the queue, keeps the replaced ones in it
      l.reserve('Pod/a/1', ['namespace/a', 'department/d'], pods(2n));
      expect(queued(l)).toBeLessThanOrEqual(1026);
      // The queue's count of replaced items stays exact (its compaction keeps only the current two).
      expect(queueOf(l).stale).toBe(queued(l) - 2);
    }
    expect(l.size).toBe(2);
    expect(l.reservedIn('namespace/a').get('pods')).toBe(3n * UNIT);
    expect(l.reservedIn('department/d').get('pods')).toBe(2n * UNIT);
    now = 1000; // the other one expires; the replaced one lives from its last reserve (at 499)
    expect(l.reservedIn('namespace/a').get('pods')).toBe(2n * UNIT);
    now = 1499;
    expect(l.reservedIn('namespace/a').size).toBe(0);
    expect(l.reservedIn('department/d').size).toBe(0);
    expect(l.size).toBe(0);
    expect(queued(l)).toBe(0);
  });

  it('given a replacing review of an object the snapshot now counts, ends the reservation', () => {
    const l = ledger();
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n));
    counted.add('Pod/a/1');
    l.reserve('Pod/a/1', ['namespace/a'], pods(3n));
    expect(l.size).toBe(0);
    expect(l.reservedIn('namespace/a').size).toBe(0);
    counted.clear();
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n), undefined, undefined, false);
    expect(l.reservedIn('namespace/a').get('pods')).toBe(UNIT);
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n), undefined, undefined, true);
    expect(l.size).toBe(0);
    now = 2000;
    expect(l.reservedIn('namespace/a').size).toBe(0);
    expect(queued(l)).toBe(0);
  });
});
