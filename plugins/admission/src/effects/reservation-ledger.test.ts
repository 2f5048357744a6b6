import { UNIT } from '@corral/cluster';
import { AdmissionError } from '../errors.js';
import { ReservationLedger } from './reservation-ledger.js';

const pods = (n: bigint) => new Map([['pods', n * UNIT]]);
const cpu = (milli: bigint) => new Map([['requests.cpu', milli * 1_000_000n]]);

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

  it('given the reviewed object reservation expiring between two reads of one review, the reads agree', () => {
    const l = ledger(); // TTL 1000 ms
    l.reserve('Pod/a/1', ['namespace/a', 'department/d'], pods(1n)); // expires at 1000
    now = 500;
    l.reserve('Pod/a/0', ['namespace/a', 'department/d'], pods(1n));
    now = 999;
    const read = l.reads();
    const namespace = read('namespace/a', 'Pod/a/1');
    now = 1000; // Pod/a/1's reservation is due now, between the two reads
    const department = read('department/d', 'Pod/a/1');
    // Each scope: what others hold is Pod/a/0's one pod, never less.
    const net = (r: { held: ReadonlyMap<string, bigint>; less: ReadonlyMap<string, bigint> }) =>
      (r.held.get('pods') ?? 0n) - (r.less.get('pods') ?? 0n);
    expect(net(namespace)).toBe(UNIT);
    expect(net(department)).toBe(UNIT);
    // The next review's reads see the expiry.
    expect(l.reserved('namespace/a', 'Pod/a/1').held.get('pods')).toBe(UNIT);
  });

  it('given a review of a reserved object, reads what is held and its own share to take off, uncopied', () => {
    const l = ledger();
    l.reserve('Pod/a/1', ['namespace/a', 'department/d'], pods(1n));
    l.reserve('Pod/b/1', ['namespace/b', 'department/d'], pods(2n));
    const own = l.reserved('department/d', 'Pod/a/1');
    expect(own.held.get('pods')).toBe(3n * UNIT);
    expect(own.less.get('pods')).toBe(UNIT);
    expect(l.reserved('namespace/b', 'Pod/a/1').less.size).toBe(0);
    expect(l.reserved('namespace/c').held.size).toBe(0);
    // The totals as they are, not a copy: the next reservation shows in what was read.
    l.reserve('Pod/c/1', ['namespace/c', 'department/d'], pods(4n));
    expect(own.held.get('pods')).toBe(7n * UNIT);
  });

  it('given the caller says whether the snapshot counts the object, takes its word and does not ask', () => {
    const asked: string[] = [];
    const l = new ReservationLedger({
      ttlMs: 1000,
      isCounted: (key) => {
        asked.push(key);
        return true;
      },
      now: () => now,
    });
    // Not counted by the caller's look-up: held, although isCounted would have said otherwise.
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n), undefined, undefined, false);
    expect(l.reservedIn('namespace/a').get('pods')).toBe(UNIT);
    // Counted: the earlier reservation of the key ends and nothing is held.
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n), undefined, undefined, true);
    expect(l.size).toBe(0);
    expect(l.reservedIn('namespace/a').size).toBe(0);
    expect(asked).toEqual([]);
    // Without the caller's word, the ledger asks.
    l.reserve('Pod/b/1', ['namespace/a'], pods(1n));
    expect(asked).toEqual(['Pod/b/1']);
    expect(l.size).toBe(0);
  });

  it('given an excluded reservation outside the scope, subtracts nothing', () => {
    const l = ledger();
    l.reserve('Pod/a/1', ['namespace/a', 'department/d'], pods(1n));
    l.reserve('Pod/b/1', ['namespace/b', 'department/d'], pods(2n));
    expect(l.reservedIn('namespace/a', 'Pod/b/1').get('pods')).toBe(UNIT);
    expect(l.reservedIn('department/d', 'Pod/b/1').get('pods')).toBe(UNIT);
    expect(l.reservedIn('department/d', 'Pod/none/1').get('pods')).toBe(3n * UNIT);
  });

  it('given a second reservation of one key with other scopes and usage, holds both, once each', () => {
    const l = ledger();
    l.reserve('Pod/a/1', ['namespace/a', 'department/d'], cpu(100n));
    l.reserve('Pod/a/1', ['namespace/b', 'department/d'], pods(1n));
    expect(l.size).toBe(1);
    const both = [
      ['requests.cpu', 100n * 1_000_000n],
      ['pods', UNIT],
    ];
    expect([...l.reservedIn('namespace/a')]).toEqual(both);
    expect([...l.reservedIn('namespace/b')]).toEqual(both);
    expect([...l.reservedIn('department/d')]).toEqual(both);
  });

  it('given a smaller second reservation of one key, keeps holding the larger (either may land)', () => {
    const l = ledger();
    l.reserve('Pod/a/x', ['namespace/a'], cpu(5000n));
    l.reserve('Pod/a/x', ['namespace/a'], cpu(100n));
    expect(l.reservedIn('namespace/a').get('requests.cpu')).toBe(5000n * 1_000_000n);
    l.reserve('Pod/a/x', ['namespace/a'], cpu(6000n));
    expect(l.reservedIn('namespace/a').get('requests.cpu')).toBe(6000n * 1_000_000n);
  });

  it('given a scope named twice in one reservation, counts it once', () => {
    const l = ledger();
    l.reserve('Pod/a/1', ['namespace/a', 'namespace/a'], pods(1n));
    expect(l.reservedIn('namespace/a').get('pods')).toBe(UNIT);
    l.release('Pod/a/1');
    expect(l.reservedIn('namespace/a').size).toBe(0);
  });

  it('given everything released, leaves no zero totals behind', () => {
    const l = ledger();
    l.reserve('Pod/a/1', ['namespace/a'], new Map([...pods(1n), ...cpu(100n)]));
    l.reserve('Pod/a/2', ['namespace/a'], cpu(50n));
    l.release('Pod/a/1');
    expect([...l.reservedIn('namespace/a')]).toEqual([['requests.cpu', 50_000_000n]]);
    l.release('Pod/a/2');
    l.release('Pod/a/2');
    expect(l.reservedIn('namespace/a').size).toBe(0);
    expect(l.size).toBe(0);
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

  it('given a reservation renewed by a replace, expires it by its new time, after older ones', () => {
    const l = ledger();
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n));
    now = 100;
    l.reserve('Pod/a/2', ['namespace/a'], pods(1n));
    now = 200;
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n));
    now = 1099;
    expect(l.reservedIn('namespace/a').get('pods')).toBe(2n * UNIT);
    now = 1100;
    expect(l.reservedIn('namespace/a').get('pods')).toBe(UNIT);
    expect(l.reservedIn('namespace/a', 'Pod/a/1').size).toBe(0);
    now = 1200;
    expect(l.reservedIn('namespace/a').size).toBe(0);
    expect(l.size).toBe(0);
  });

  it('given a clock that steps backwards, still expires each reservation at its own time', () => {
    const l = ledger();
    now = 5000;
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n)); // until 6000
    now = 0;
    l.reserve('Pod/a/2', ['namespace/a'], pods(2n)); // until 1000, queued after the one above
    now = 1000;
    expect(l.reservedIn('namespace/a').get('pods')).toBe(UNIT);
    now = 5999;
    expect(l.reservedIn('namespace/a').get('pods')).toBe(UNIT);
    now = 6000;
    expect(l.reservedIn('namespace/a').size).toBe(0);
  });

  it('given the object now in the snapshot, settle drops the reservation', () => {
    const l = ledger();
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n));
    l.reserve('Pod/a/2', ['namespace/a'], pods(1n));
    l.settle('Pod/a/1'); // not counted yet: kept
    expect(l.reservedIn('namespace/a').get('pods')).toBe(2n * UNIT);
    counted.add('Pod/a/1');
    l.settle('Pod/a/1');
    l.settle('Pod/a/1');
    expect(l.reservedIn('namespace/a').get('pods')).toBe(UNIT);
    expect(l.size).toBe(1);
  });

  it('given an object the snapshot already counts, reserves nothing and ends its old reservation', () => {
    const l = ledger();
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n));
    counted.add('Pod/a/1');
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n));
    expect(l.size).toBe(0);
    expect(l.reservedIn('namespace/a').size).toBe(0);
  });

  it('hands out copies: changing a returned total corrupts nothing', () => {
    const l = ledger();
    l.reserve('Pod/a/1', ['namespace/a'], pods(1n));
    (l.reservedIn('namespace/a') as Map<string, bigint>).set('pods', 9n);
    (l.reservedIn('namespace/a', 'Pod/a/1') as Map<string, bigint>).set('pods', 9n);
    expect(l.reservedIn('namespace/a').get('pods')).toBe(UNIT);
    l.release('Pod/a/1');
    expect(l.reservedIn('namespace/a').size).toBe(0);
  });

  it('given a TTL that is not a non-negative number, refuses to start', () => {
    for (const ttlMs of [-1, Number.NaN]) {
      expect(() => new ReservationLedger({ ttlMs, isCounted: () => false })).toThrow(AdmissionError);
    }
  });
});
