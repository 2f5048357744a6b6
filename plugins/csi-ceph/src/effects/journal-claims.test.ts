// Claims against an in-memory journal object with the OSD's compare-and-set semantics (every key of
// `expect` must hold exactly that value, '' = absent; otherwise nothing is written).
import type { Self } from '../decide/journal-records.js';
import { KEY } from '../decide/journal-records.js';
import { Claims, type RecordKeys } from './journal-claims.js';

const store = new Map<string, string>();
let failReads = false;

vi.mock('./ceph/omap.js', () => ({
  omapGet: async (_ioctx: unknown, _oid: string, key: string) => {
    if (failReads) throw new Error('read failed (injected)');
    return store.get(key);
  },
  omapWriteIf: async (
    _ioctx: unknown,
    _oid: string,
    expect: Record<string, string>,
    set: Record<string, string>,
    remove: string[] = [],
  ) => {
    for (const [key, value] of Object.entries(expect)) if ((store.get(key) ?? '') !== value) return false;
    for (const [key, value] of Object.entries(set)) store.set(key, value);
    for (const key of remove) store.delete(key);
    return true;
  },
}));

const VOLUMES: RecordKeys = { label: 'volume', nameKey: KEY.volumeName, recordKey: KEY.volume };
const record = (name: string) => ({ name, image: `img-${name}`, state: 'reserved' as const });
const self = (pid: number, running = new Set<string>()): Self => ({
  host: 'host-1',
  pid,
  boot: `boot-${pid}`,
  running,
  pidAlive: () => false,
});

beforeEach(() => {
  store.clear();
  failReads = false;
});

describe('Claims.renew', () => {
  it('given the holder, rewrites its lease with a new until and keeps holding it', async () => {
    let now = 1_000;
    const claims = new Claims(null, { now: () => now, self: self(1) }, 60_000);
    expect(await claims.reserve(VOLUMES, 'u1', record('a'))).toBe(true);
    now = 50_000;
    expect(await claims.renew(VOLUMES, 'u1')).toBe(true);
    const stored = JSON.parse(store.get('vu/u1')!) as { lease: { until: number; attempt: string } };
    expect(stored.lease).toMatchObject({ until: 110_000, attempt: claims.attempt });
    // The renewed text is the guard of later writes: a release still succeeds.
    expect(await claims.release(VOLUMES, 'u1', 'a')).toBe(true);
    expect(store.size).toBe(0);
  });

  it('given a reservation taken over by another attempt, answers false, writes nothing and stops running', async () => {
    let now = 1_000;
    const mine = self(1);
    const claims = new Claims(null, { now: () => now, self: mine }, 60_000);
    expect(await claims.reserve(VOLUMES, 'u2', record('b'))).toBe(true);
    now = 70_000; // the lease ran out; the holder is alive but stalled
    const taker = new Claims(null, { now: () => now, self: self(2) }, 60_000);
    await taker.takeOver(VOLUMES, 'u2', 'b');
    const after = store.get('vu/u2');
    expect(await claims.renew(VOLUMES, 'u2')).toBe(false);
    expect(store.get('vu/u2')).toBe(after);
    expect(mine.running.has(claims.attempt)).toBe(false);
    await expect(claims.mustRenew(VOLUMES, 'u2', 'b')).rejects.toMatchObject({
      code: 'CSI_ERR_OPERATION_PENDING',
    });
  });

  it('given nothing reserved by this attempt, answers false', async () => {
    const claims = new Claims(null, { self: self(1) }, 60_000);
    expect(await claims.renew(VOLUMES, 'nope')).toBe(false);
    expect(store.size).toBe(0);
  });
});

describe('Claims.reserve', () => {
  it('given the fallback read throwing after a lost write, rethrows and no longer counts as running', async () => {
    const mine = self(1);
    store.set('vn/c', 'other-uuid');
    failReads = true;
    const claims = new Claims(null, { self: mine }, 60_000);
    await expect(claims.reserve(VOLUMES, 'u3', record('c'))).rejects.toThrow('injected');
    expect(mine.running.size).toBe(0);
  });
});

describe('Claims.keepAlive', () => {
  it('given a step longer than the lease, renews it meanwhile; the step’s own writes still hold', async () => {
    const claims = new Claims(null, { self: self(1), leaseMs: 40 }, 60_000);
    expect(await claims.reserve(VOLUMES, 'u1', record('a'))).toBe(true);
    const until = () => (JSON.parse(store.get('vu/u1')!) as { lease: { until: number } }).lease.until;
    const first = until();
    const alive = claims.keepAlive(VOLUMES, 'u1');
    for (let i = 0; i < 10; i++) {
      // A renewal of the step itself, racing the timer's: neither may see the other as a take-over.
      expect(await claims.renew(VOLUMES, 'u1')).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 7));
    }
    expect(until()).toBeGreaterThan(first + 40);
    await claims.markReady(VOLUMES, 'u1', record('a'));
    await alive.stop();
    expect(JSON.parse(store.get('vu/u1')!)).toEqual({ name: 'a', image: 'img-a', state: 'ready' });
  });

  it('given the reservation taken over, stops renewing and never writes over the new holder', async () => {
    const claims = new Claims(null, { self: self(1), leaseMs: 20 }, 60_000);
    expect(await claims.reserve(VOLUMES, 'u1', record('a'))).toBe(true);
    const alive = claims.keepAlive(VOLUMES, 'u1');
    store.set('vu/u1', JSON.stringify({ ...record('a'), lease: { attempt: 'other' } }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await alive.stop();
    expect(JSON.parse(store.get('vu/u1')!)).toMatchObject({ lease: { attempt: 'other' } });
  });
});
