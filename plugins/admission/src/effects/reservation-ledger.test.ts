import { UNIT } from '@corral/cluster';
import { ReservationLedger } from './reservation-ledger.js';

const pods = (n: bigint) => new Map([['pods', n * UNIT]]);

describe('ReservationLedger', () => {
  let now = 0;
  const counted = new Set<string>();
  const ledger = () =>
    new ReservationLedger({ ttlMs: 1000, isCounted: (key) => counted.has(key), now: () => now });
  beforeEach(() => {
    now = 0;
    counted.clear();
  });

  it('given reservations in two scopes, sums per scope', () => {
    const l = ledger();
    l.reserve('Pod/a/1', ['namespace/a', 'department/d'], pods(1n));
    l.reserve('Pod/b/1', ['namespace/b', 'department/d'], pods(2n));
    expect(l.reservedIn('namespace/a').get('pods')).toBe(UNIT);
    expect(l.reservedIn('department/d').get('pods')).toBe(3n * UNIT);
    expect(l.reservedIn('namespace/c').size).toBe(0);
  });

  it('given the same object reserved twice, counts it once and can exclude it', () => {
    const l = ledger();
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n));
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n));
    expect(l.reservedIn('namespace/a').get('pods')).toBe(UNIT);
    expect(l.reservedIn('namespace/a', 'Pod/a/1').size).toBe(0);
  });

  it('given the TTL passed, drops the reservation', () => {
    const l = ledger();
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n));
    now = 999;
    expect(l.size).toBe(1);
    now = 1000;
    expect(l.reservedIn('namespace/a').size).toBe(0);
    expect(l.size).toBe(0);
  });

  it('given the object now in the snapshot, drops the reservation', () => {
    const l = ledger();
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n));
    counted.add('Pod/a/1');
    expect(l.reservedIn('namespace/a').size).toBe(0);
  });
});
