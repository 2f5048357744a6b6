import { ExpiryQueue } from './reservation-ledger-expiry.js';

interface Item {
  readonly id: number;
  readonly expiresAt: number;
}

/** A queue over a set of current ids, as the ledger keeps it. */
function queueOf() {
  const current = new Set<number>();
  const queue = new ExpiryQueue<Item>((item) => current.has(item.id));
  const push = (id: number, expiresAt: number) => {
    current.add(id);
    queue.push({ id, expiresAt });
  };
  const forget = (id: number) => {
    current.delete(id);
    queue.forget();
  };
  const expired = (now: number) => {
    const taken: number[] = [];
    queue.popExpired(now, (item) => {
      current.delete(item.id);
      taken.push(item.id);
    });
    return taken;
  };
  return { queue, push, forget, expired, current };
}

describe('ExpiryQueue', () => {
  it('given items in expiry order, takes off the expired ones, oldest first', () => {
    const q = queueOf();
    q.push(1, 10);
    q.push(2, 20);
    q.push(3, 20);
    expect(q.expired(9)).toEqual([]);
    expect(q.expired(20)).toEqual([1, 2, 3]);
    expect(q.queue.length).toBe(0);
  });

  it('given forgotten items, skips them and never hands them over', () => {
    const q = queueOf();
    q.push(1, 10);
    q.push(2, 20);
    q.push(3, 30);
    q.forget(1);
    q.forget(3);
    expect(q.expired(100)).toEqual([2]);
    expect(q.queue.length).toBe(0);
  });

  it('given a clock stepping backwards, starts a run and expires each item at its time', () => {
    const q = queueOf();
    q.push(1, 100);
    q.push(2, 50);
    q.push(3, 60);
    q.push(4, 10);
    expect(q.queue.runCount).toBe(3);
    expect(q.expired(10)).toEqual([4]);
    expect(q.expired(60)).toEqual([2, 3]);
    expect(q.queue.runCount).toBe(1);
    expect(q.expired(100)).toEqual([1]);
    expect(q.queue.runCount).toBe(0);
  });

  it('given many forgotten items, compacts to within twice the current ones', () => {
    const q = queueOf();
    for (let id = 0; id < 10_000; id += 1) {
      q.push(id, id);
      if (id >= 100) q.forget(id - 100); // replaced long before it expires
      expect(q.queue.length).toBeLessThanOrEqual(Math.max(2 * q.current.size, 1024));
    }
    expect(q.expired(20_000)).toEqual(Array.from({ length: 100 }, (_, i) => 9_900 + i));
  });

  it('given a steady flow, holds only the items not yet expired', () => {
    const q = queueOf();
    for (let id = 0; id < 5_000; id += 1) {
      q.push(id, id);
      expect(q.expired(id - 10)).toEqual(id >= 10 ? [id - 10] : []);
    }
    expect(q.queue.length).toBe(10);
  });
});
