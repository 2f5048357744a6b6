import { UNIT, type Usage } from '@corral/cluster';
import { exceeding } from '../decide/resize-reservation.js';
import { ReservationLedger } from './reservation-ledger.js';

const cpu = (units: bigint): Usage => new Map([['requests.cpu', units * UNIT]]);
const SCOPES = ['namespace/a', 'department/d'];
const RESIZE = 'resize/Pod/a/web/u-1';

describe('ReservationLedger: resizes', () => {
  let now = 0;
  /** What the snapshot counts for each resized object (by resize key); absent: it does not hold it. */
  const snapshot = new Map<string, Usage>();
  const ledger = (withSnapshot = true) =>
    new ReservationLedger({
      ttlMs: 1000,
      isCounted: () => false,
      ...(withSnapshot ? { stillHeld: (key, target) => exceeding(target, snapshot.get(key)) } : {}),
      now: () => now,
    });
  const held = (l: ReservationLedger) => l.reservedIn('department/d').get('requests.cpu') ?? 0n;
  beforeEach(() => {
    now = 0;
    snapshot.clear();
    snapshot.set(RESIZE, cpu(1n));
  });

  it('given a resize 1 → 5 cpu, holds 4 until the snapshot shows the pod at 5, whatever else it shows first', () => {
    const l = ledger();
    l.reserve(RESIZE, SCOPES, cpu(4n), undefined, cpu(5n));
    expect(held(l)).toBe(4n * UNIT);
    expect(l.resizeCount).toBe(1);
    // The pod changes in the snapshot (a status update) at its old size: nothing ends.
    l.settleResize(RESIZE);
    expect(held(l)).toBe(4n * UNIT);
    // A CREATE's settle of the object itself leaves the resize alone.
    l.settle('Pod/a/web/u-1');
    expect(held(l)).toBe(4n * UNIT);
    // Part of the way (3 cpu): holds what is still missing.
    snapshot.set(RESIZE, cpu(3n));
    l.settleResize(RESIZE);
    expect(held(l)).toBe(2n * UNIT);
    snapshot.set(RESIZE, cpu(5n));
    l.settleResize(RESIZE);
    expect(held(l)).toBe(0n);
    expect(l.size).toBe(0);
    expect(l.resizeCount).toBe(0);
  });

  it('given a second resize of the object, one reservation takes the place of both: the larger target', () => {
    const l = ledger();
    l.reserve(RESIZE, SCOPES, cpu(4n), undefined, cpu(5n));
    l.reserve(RESIZE, SCOPES, cpu(6n), undefined, cpu(7n));
    expect(l.size).toBe(1);
    expect(held(l)).toBe(6n * UNIT); // not 4 + 6
    // A smaller one may be the one that lands, or not: the larger stays held until the snapshot says.
    l.reserve(RESIZE, SCOPES, cpu(1n), undefined, cpu(2n));
    expect(held(l)).toBe(6n * UNIT);
    snapshot.set(RESIZE, cpu(7n));
    l.settleResize(RESIZE);
    expect(l.size).toBe(0);
  });

  it('given its object deleted or its TTL passed, ends it', () => {
    const l = ledger();
    l.reserve(RESIZE, SCOPES, cpu(4n), undefined, cpu(5n));
    l.release(RESIZE);
    expect(held(l)).toBe(0n);
    expect(l.resizeCount).toBe(0);
    l.reserve(RESIZE, SCOPES, cpu(4n), undefined, cpu(5n));
    now = 1000;
    expect(held(l)).toBe(0n);
    expect(l.resizeCount).toBe(0);
  });

  it('given the snapshot already at the target, holds nothing', () => {
    const l = ledger();
    snapshot.set(RESIZE, cpu(5n));
    l.reserve(RESIZE, SCOPES, cpu(4n), undefined, cpu(5n));
    expect(l.size).toBe(0);
  });

  it("given a review of the object's own resize, reads it as its share to take off", () => {
    const l = ledger();
    l.reserve(RESIZE, SCOPES, cpu(4n), undefined, cpu(5n));
    l.reserve('Pod/a/other/u-2', SCOPES, cpu(1n));
    const read = l.reserved('namespace/a', RESIZE);
    expect(read.held.get('requests.cpu')).toBe(5n * UNIT);
    expect(read.less.get('requests.cpu')).toBe(4n * UNIT);
  });

  it('given no snapshot to ask, holds what it was given until the TTL', () => {
    const l = ledger(false);
    l.reserve(RESIZE, SCOPES, cpu(4n), undefined, cpu(5n));
    snapshot.set(RESIZE, cpu(5n));
    l.settleResize(RESIZE);
    expect(held(l)).toBe(4n * UNIT);
    now = 1000;
    expect(held(l)).toBe(0n);
  });
});
