import { UNIT } from '@corral/cluster';
import fc from 'fast-check';
import { fail, isDenial, pass } from '../decide/decision.js';
import type { ReservedUsage, ValidateResult } from '../decide/validate.js';
import { ADM_ERR, AdmissionError } from '../errors.js';
import {
  MemoryReservationStore,
  type ReservationStore,
  type StoredRecord,
  type StoredReservation,
} from './reservation-store.js';
import {
  DEFAULT_MAX_ENTRIES,
  SharedReservations,
  withinBounds,
  type SharedReservationsOptions,
} from './shared-reservations.js';

const KEY = 'department-team';
const SCOPE = 'department/team';

const podKey = (name: string) => `Pod/team-a/${name}`;

/**
 * One replica of the webhook in the tests of SharedReservations: its "snapshot" is the set of pods
 * its watch has delivered (each counts 1 pod against a department quota of `quota` pods), and its
 * quota rule is the pure rule's shape: used (snapshot) + reserved + demand ≤ hard.
 */
class TestReplica {
  readonly seen = new Set<string>();
  readonly shared: SharedReservations;
  decided = 0;

  constructor(
    store: ReservationStore,
    private readonly quota: number,
    options: Partial<SharedReservationsOptions> = {},
  ) {
    this.shared = new SharedReservations({
      store,
      ttlMs: 60_000,
      isCounted: (key) => this.seen.has(key),
      ...options,
    });
  }

  /** The watch delivers these pods: the snapshot now counts them. */
  see(...names: string[]): void {
    for (const name of names) this.seen.add(podKey(name));
  }

  decide(name: string, reserved: ReservedUsage) {
    this.decided += 1;
    const key = podKey(name);
    const taken = BigInt(this.seen.size) * UNIT + (reserved(SCOPE, key).held.get('pods') ?? 0n);
    const allowed = taken + UNIT <= BigInt(this.quota) * UNIT;
    const result: ValidateResult = {
      decisions: [allowed ? pass('quota') : fail('quota', 'department quota pods exceeded')],
      demand: { key, scopes: [SCOPE], usage: new Map([['pods', UNIT]]) },
    };
    return result;
  }

  /** Asks to create pod `name`; true when admitted. */
  async admit(name: string, signal?: AbortSignal, dryRun = false): Promise<boolean> {
    const result = await this.shared.admit(KEY, dryRun, (reserved) => this.decide(name, reserved), signal);
    return !result.decisions.some(isDenial);
  }
}

/** A store that can hang or delay chosen calls, and records the signals it was given. */
class ScriptedStore implements ReservationStore {
  readonly memory = new MemoryReservationStore();
  readonly signals: AbortSignal[] = [];
  loads = 0;
  saveCalls = 0;
  /**
   * Per call number (from 1): 'hang' never answers; a number answers that many ms late; a promise
   * answers once it settles.
   */
  loadScript = new Map<number, 'hang' | number | Promise<void>>();
  /** 'hang' never answers; `{ landAfterMs, answerAfterMs }` stores late and/or answers late. */
  saveScript = new Map<number, 'hang' | { landAfterMs: number; answerAfterMs: number }>();

  async load(coordinationKey: string, signal?: AbortSignal): Promise<StoredRecord> {
    this.loads += 1;
    if (signal) this.signals.push(signal);
    const script = this.loadScript.get(this.loads);
    if (script === 'hang') return new Promise<never>(() => undefined);
    if (typeof script === 'number') await sleep(script);
    else if (script !== undefined) await script;
    return this.memory.load(coordinationKey);
  }

  async save(
    key: string,
    version: string | undefined,
    entries: readonly StoredReservation[],
    signal?: AbortSignal,
  ) {
    this.saveCalls += 1;
    if (signal) this.signals.push(signal);
    const script = this.saveScript.get(this.saveCalls);
    if (script === 'hang') return new Promise<never>(() => undefined);
    if (script === undefined) return this.memory.save(key, version, entries);
    await sleep(script.landAfterMs);
    const outcome = await this.memory.save(key, version, entries);
    await sleep(script.answerAfterMs);
    return outcome;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

const entry = (name: string, expiresAt: number): StoredReservation => ({
  key: podKey(name),
  scopes: [SCOPE],
  usage: { pods: String(UNIT) },
  expiresAt,
});

/** The record as stored (read around any scripted behaviour of the store). */
const recordOf = (store: MemoryReservationStore | ScriptedStore): Promise<StoredRecord> =>
  (store instanceof ScriptedStore ? store.memory : store).load(KEY);
const namesIn = (record: StoredRecord) => record.entries.map((e) => e.key.slice('Pod/team-a/'.length));

describe('SharedReservations across replicas whose watches lag', () => {
  it('given the audit scenario (A sees its pods, B sees none), refuses beyond the quota on both', async () => {
    const store = new MemoryReservationStore();
    const a = new TestReplica(store, 2);
    const b = new TestReplica(store, 2);
    expect(await a.admit('p1')).toBe(true);
    a.see('p1');
    expect(await a.admit('p2')).toBe(true); // A counts p1 in its snapshot; the record still holds it
    a.see('p2');
    expect(await a.admit('p3')).toBe(false);
    expect(await b.admit('p4')).toBe(false); // B's watch is behind: it counts p1 and p2 as entries
    b.see('p1');
    expect(await b.admit('p5')).toBe(false); // p1 in B's snapshot (its entry skipped), p2 an entry
    b.see('p2');
    expect(await b.admit('p6')).toBe(false);
    expect(namesIn(await recordOf(store))).toEqual(['p1', 'p2']);
  });

  it('given the lag the other way round (B ahead of A), counts every pod once on each', async () => {
    const store = new MemoryReservationStore();
    const a = new TestReplica(store, 3);
    const b = new TestReplica(store, 3);
    expect(await a.admit('p1')).toBe(true);
    expect(await b.admit('p2')).toBe(true);
    b.see('p1', 'p2');
    expect(await b.admit('p3')).toBe(true); // 2 in B's snapshot, 0 entries it does not count
    a.see('p1');
    expect(await a.admit('p4')).toBe(false); // 1 in A's snapshot + p2, p3 as entries
    b.see('p3');
    expect(await b.admit('p5')).toBe(false);
    expect(a.decided + b.decided).toBe(5);
  });

  it('given three replicas each behind by a different amount, admits exactly the quota', async () => {
    const store = new MemoryReservationStore();
    const replicas = [new TestReplica(store, 4), new TestReplica(store, 4), new TestReplica(store, 4)];
    const admitted: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const name = `p${i}`;
      if (await replicas[i % 3]!.admit(name)) admitted.push(name);
      // replica 0 sees everything at once, replica 1 all but the newest, replica 2 nothing
      replicas[0]!.see(...admitted);
      replicas[1]!.see(...admitted.slice(0, -1));
    }
    expect(admitted).toEqual(['p0', 'p1', 'p2', 'p3']);
  });

  it('given any interleaving of admissions and deliveries, admits exactly while room remains', async () => {
    const op = fc.oneof(
      fc.record({ admit: fc.array(fc.nat(2), { minLength: 1, maxLength: 4 }) }),
      fc.record({ deliver: fc.nat(2), pick: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(op, { maxLength: 25 }),
        async (quota, ops) => {
          const store = new MemoryReservationStore();
          const replicas = [0, 1, 2].map(() => new TestReplica(store, quota, { maxAttempts: 200 }));
          const created: string[] = [];
          let next = 0;
          for (const step of ops) {
            if ('deliver' in step) {
              const replica = replicas[step.deliver]!;
              const unseen = created.filter((name) => !replica.seen.has(podKey(name)));
              if (unseen.length > 0) replica.see(unseen[step.pick % unseen.length]!);
              continue;
            }
            // Concurrent creates through several replicas: each is checked against every pod admitted
            // before it, whichever replica admitted it and whatever that replica's watch delivered.
            const before = created.length;
            const names = step.admit.map(() => `p${next++}`);
            const answers = await Promise.all(
              step.admit.map(async (r, i) => {
                const ok = await replicas[r]!.admit(names[i]!);
                if (ok) created.push(names[i]!);
                return ok;
              }),
            );
            expect(answers.filter(Boolean)).toHaveLength(Math.min(names.length, Math.max(0, quota - before)));
          }
          expect(created.length).toBeLessThanOrEqual(quota);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('SharedReservations record upkeep', () => {
  it('given entries this replica counts, keeps them in the saved record; drops only those past expiry and grace', async () => {
    let now = 1_000;
    const store = new MemoryReservationStore();
    const a = new TestReplica(store, 10, { ttlMs: 500, now: () => now });
    expect(await a.admit('p1')).toBe(true);
    a.see('p1');
    now = 1_200;
    expect(await a.admit('p2')).toBe(true);
    expect(namesIn(await recordOf(store))).toEqual(['p1', 'p2']);
    now = 1_600; // p1's entry (expires 1_500) has expired, but is kept for the grace (the TTL, 500 ms)
    expect(await a.admit('p3')).toBe(true);
    expect(namesIn(await recordOf(store))).toEqual(['p1', 'p2', 'p3']);
    now = 2_100; // p1's grace (until 2_000) has passed, p2's (until 2_200) has not
    expect(await a.admit('p4')).toBe(true);
    expect(namesIn(await recordOf(store))).toEqual(['p2', 'p3', 'p4']);
  });

  it('given the same name admitted again, replaces its entry; dry runs and denials write nothing', async () => {
    const store = new MemoryReservationStore();
    const a = new TestReplica(store, 2);
    expect(await a.admit('p1')).toBe(true);
    expect(await a.admit('p1')).toBe(true);
    expect(await a.admit('p2', undefined, true)).toBe(true);
    expect(await a.admit('p2')).toBe(true);
    expect(await a.admit('p3')).toBe(false);
    expect(namesIn(await recordOf(store))).toEqual(['p1', 'p2']);
    expect(store.saves).toBe(3);
  });
});

describe('withinBounds', () => {
  const counted = (...names: string[]) => {
    const keys = new Set(names.map(podKey));
    return (key: string) => keys.has(key);
  };
  const bounds = { maxEntries: 3, maxRecordBytes: 1 << 20 };

  it('given room, returns the entries and the new one unchanged', () => {
    const kept = [entry('a', 1), entry('b', 2)];
    expect(withinBounds(KEY, kept, entry('c', 3), counted('a'), bounds)).toEqual([...kept, entry('c', 3)]);
  });

  it('given a full record, drops the oldest entries this replica counts, as few as needed', () => {
    const kept = [entry('a', 5), entry('b', 1), entry('c', 2), entry('d', 3)];
    const next = withinBounds(KEY, kept, entry('e', 9), counted('a', 'c', 'd'), bounds);
    // b is older but not counted here (another replica's pod this one has not seen): it stays
    expect(next.map((e) => e.key)).toEqual(['a', 'b', 'e'].map(podKey));
  });

  it('given a full record of entries this replica does not count, refuses with a clear error', () => {
    const kept = [entry('a', 1), entry('b', 2), entry('c', 3)];
    const attempt = () => withinBounds(KEY, kept, entry('d', 4), counted('x'), bounds);
    expect(attempt).toThrow(AdmissionError);
    expect(attempt).toThrow(`too many quota reservations in flight for ${KEY}; retry`);
  });

  it('given a full record, drops entries expired by this clock first, then counted ones, oldest first', () => {
    const kept = [entry('a', 50), entry('b', 20), entry('c', 10), entry('d', 30)];
    const now = 25; // b and c have expired by this clock (kept for the grace), a and d have not
    const next = withinBounds(KEY, kept, entry('e', 90), counted('a', 'd'), bounds, now);
    expect(next.map((e) => e.key)).toEqual(['a', 'd', 'e'].map(podKey));
    const fuller = [...kept, entry('f', 40)];
    const fewer = withinBounds(KEY, fuller, entry('e', 90), counted('a', 'd'), bounds, now);
    expect(fewer.map((e) => e.key)).toEqual(['a', 'f', 'e'].map(podKey)); // then d, the oldest counted
  });

  it('given the byte budget, bounds the record by its JSON size too', () => {
    const size = Buffer.byteLength(JSON.stringify([entry('a', 1), entry('b', 2)]));
    const tight = { maxEntries: 100, maxRecordBytes: size };
    const kept = [entry('a', 1), entry('b', 2)];
    const next = withinBounds(KEY, kept, entry('c', 3), counted('a'), tight);
    expect(next.map((e) => e.key)).toEqual(['b', 'c'].map(podKey));
    expect(Buffer.byteLength(JSON.stringify(next))).toBeLessThanOrEqual(size);
    expect(() => withinBounds(KEY, kept, entry('c', 3), counted(), tight)).toThrow(/too many quota/);
  });
});

describe('SharedReservations with a full record', () => {
  it('given the cap reached by pods no replica counts, refuses the admission and saves nothing', async () => {
    const store = new MemoryReservationStore();
    const a = new TestReplica(store, 100, { maxEntries: 3 });
    for (const name of ['p1', 'p2', 'p3']) expect(await a.admit(name)).toBe(true);
    const saves = store.saves;
    const refused = a.admit('p4');
    await expect(refused).rejects.toThrow(`too many quota reservations in flight for ${KEY}; retry`);
    await expect(refused).rejects.toMatchObject({ code: ADM_ERR.INTERNAL });
    expect(store.saves).toBe(saves);
    // once this replica's snapshot counts the oldest, its entry makes room
    a.see('p1');
    expect(await a.admit('p4')).toBe(true);
    expect(namesIn(await recordOf(store))).toEqual(['p2', 'p3', 'p4']);
  });

  it('given a full record, still answers a denial (denials write nothing)', async () => {
    const store = new MemoryReservationStore();
    const a = new TestReplica(store, 3, { maxEntries: 3 });
    for (const name of ['p1', 'p2', 'p3']) expect(await a.admit(name)).toBe(true);
    expect(await a.admit('p4')).toBe(false);
  });

  it('given long entries, keeps the record within the byte budget before the entry cap', async () => {
    expect(DEFAULT_MAX_ENTRIES).toBe(512);
    // A long but legal entry: 63-char namespace, 253-char name, a 253-char department, 8 quota keys.
    const long = {
      key: `Pod/${'n'.repeat(63)}/${'p'.repeat(253)}`,
      scopes: [`namespace/${'n'.repeat(63)}`, `department/${'d'.repeat(253)}`],
      usage: Object.fromEntries(
        ['pods', 'cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'].map(
          (k) => [k, '9'.repeat(20)],
        ),
      ),
      expiresAt: 1_900_000_000_000,
    };
    const store = new MemoryReservationStore();
    const shared = new SharedReservations({ store, ttlMs: 60_000, isCounted: () => false });
    const demand = (i: number) => ({
      key: `${long.key.slice(0, -4)}${String(i).padStart(4, '0')}`,
      scopes: long.scopes,
      usage: new Map(Object.entries(long.usage).map(([k, v]) => [k, BigInt(v)])),
    });
    let refused: unknown;
    for (let i = 0; i < 600 && refused === undefined; i += 1) {
      await shared
        .admit(KEY, false, () => ({ decisions: [pass('quota')], demand: demand(i) }))
        .catch((err: unknown) => (refused = err));
    }
    const record = await recordOf(store);
    // Bounded by bytes before the entry cap: the record stays within the byte budget.
    expect(refused).toBeInstanceOf(AdmissionError);
    expect(Buffer.byteLength(JSON.stringify(record.entries))).toBeLessThanOrEqual(192 * 1024);
    expect(record.entries.length).toBeLessThan(DEFAULT_MAX_ENTRIES);
  });
});

describe('SharedReservations store calls under a time limit', () => {
  it('given a hung first load, times it out and answers the queued request normally', async () => {
    const store = new ScriptedStore();
    store.loadScript.set(1, 'hang');
    const a = new TestReplica(store, 5, { callTimeoutMs: 60 });
    const started = Date.now();
    const first = settle(a.admit('p1'));
    const second = a.admit('p2'); // queued behind the hung call
    const third = a.admit('p3');
    expect(await second).toBe(true);
    expect(await third).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000); // not forever: the hung call's 60 ms, then at once
    const outcome = await first;
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? undefined : outcome.error).toMatchObject({
      code: ADM_ERR.INTERNAL,
      message: `quota record ${KEY}: load got no answer within 60 ms`,
    });
    expect(store.signals[0]?.aborted).toBe(true); // the store was told to give the call up
    expect(namesIn(await recordOf(store))).toEqual(['p2', 'p3']);
  });

  it('given a hung save, fails that request and lets the next one save', async () => {
    const store = new ScriptedStore();
    store.saveScript.set(1, 'hang');
    const a = new TestReplica(store, 5, { callTimeoutMs: 50 });
    const first = settle(a.admit('p1'));
    expect(await a.admit('p2')).toBe(true);
    expect((await first).ok).toBe(false);
    expect(namesIn(await recordOf(store))).toEqual(['p2']);
  });

  it('given a save that landed but answered late, finds it in the record and answers as saved', async () => {
    const store = new ScriptedStore();
    store.saveScript.set(1, { landAfterMs: 0, answerAfterMs: 150 });
    const a = new TestReplica(store, 2, { callTimeoutMs: 50 });
    const first = settle(a.admit('p1'));
    expect(await a.admit('p2')).toBe(true); // p1's entry is in the record: one pod of room left
    expect(await a.admit('p3')).toBe(false);
    // p1's save timed out, but a second read found it stored: admitted (before: refused, while its
    // entry held room until the TTL).
    expect(await first).toEqual({ ok: true, value: true });
    expect(store.loads).toBe(4); // p1's, its second read, p2's, p3's
    await sleep(200); // the late answer arrives
    expect(namesIn(await recordOf(store))).toEqual(['p1', 'p2']);
  });

  it('given a save that lands after the next save, refuses the late one (stale version)', async () => {
    const store = new ScriptedStore();
    store.saveScript.set(1, { landAfterMs: 150, answerAfterMs: 0 });
    const a = new TestReplica(store, 5, { callTimeoutMs: 50 });
    const first = settle(a.admit('p1'));
    expect(await a.admit('p2')).toBe(true);
    expect((await first).ok).toBe(false);
    await sleep(200);
    expect(namesIn(await recordOf(store))).toEqual(['p2']);
    expect(store.memory.conflicts).toBe(1);
  });
});

describe('SharedReservations and the review deadline signal', () => {
  it('given a request aborted while queued, never loads, decides or saves for it', async () => {
    const store = new ScriptedStore();
    store.loadScript.set(1, 'hang');
    const a = new TestReplica(store, 5, { callTimeoutMs: 80 });
    const first = settle(a.admit('p1'));
    const deadline = new AbortController();
    const queued = settle(a.admit('p2', deadline.signal));
    await sleep(10);
    deadline.abort(new Error('deadline'));
    const outcome = await queued;
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? undefined : outcome.error).toMatchObject({ code: ADM_ERR.DEADLINE });
    await first;
    expect(store.loads).toBe(1);
    expect(store.saveCalls).toBe(0);
    expect(a.decided).toBe(0);
    expect(await a.admit('p3')).toBe(true); // the queue goes on
    expect(namesIn(await recordOf(store))).toEqual(['p3']);
  });

  it('given the deadline passing during the load, gives the load up and never saves', async () => {
    const store = new ScriptedStore();
    let answerLoad = () => {};
    store.loadScript.set(1, new Promise<void>((resolve) => (answerLoad = resolve)));
    const a = new TestReplica(store, 5, { callTimeoutMs: 60_000 });
    // The load answers only after the request has (not after a guessed delay): what ends it is the
    // deadline, not the load nor the call's time limit.
    const outcome = await settle(a.admit('p1', AbortSignal.timeout(20)));
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? undefined : outcome.error).toMatchObject({ code: ADM_ERR.DEADLINE });
    expect(store.signals[0]?.aborted).toBe(true);
    answerLoad(); // the late answer arrives
    await sleep(50);
    expect(store.saveCalls).toBe(0);
    expect(a.decided).toBe(0);
  });

  it('given the deadline passing after the decision, does not save the reservation', async () => {
    const store = new ScriptedStore();
    const a = new TestReplica(store, 5);
    const deadline = new AbortController();
    const result = settle(
      a.shared.admit(
        KEY,
        false,
        (reserved) => {
          deadline.abort(new Error('deadline')); // the review is answered while we decide
          return a.decide('p1', reserved);
        },
        deadline.signal,
      ),
    );
    expect((await result).ok).toBe(false);
    expect(store.saveCalls).toBe(0);
  });

  it('given a signal already aborted, rejects at once and touches nothing', async () => {
    const store = new ScriptedStore();
    const a = new TestReplica(store, 5);
    await expect(a.admit('p1', AbortSignal.abort())).rejects.toMatchObject({ code: ADM_ERR.DEADLINE });
    expect(store.loads).toBe(0);
  });

  it('given a signal that never aborts, admits as without one', async () => {
    const store = new ScriptedStore();
    const a = new TestReplica(store, 1);
    const signal = new AbortController().signal;
    expect(await a.admit('p1', signal)).toBe(true);
    expect(await a.admit('p2', signal)).toBe(false);
  });
});

describe('SharedReservations, one key reviewed twice', () => {
  it('given a smaller second demand for a key the record holds, keeps the larger, in the scopes of both', async () => {
    const store = new MemoryReservationStore();
    const shared = new SharedReservations({ store, ttlMs: 60_000, isCounted: () => false });
    const admit = (cpu: bigint, scopes: string[]) =>
      shared.admit(KEY, false, () => ({
        decisions: [pass('quota')],
        demand: { key: podKey('x'), scopes, usage: new Map([['requests.cpu', cpu]]) },
      }));
    await admit(5n * UNIT, [SCOPE]);
    await admit(UNIT / 10n, [SCOPE, 'namespace/team-a']);
    const { entries } = await store.load(KEY);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.scopes).toEqual([SCOPE, 'namespace/team-a']);
    expect(entries[0]?.usage).toEqual({ 'requests.cpu': String(5n * UNIT) });
  });
});

describe('SharedReservations, a short-lived demand', () => {
  it('given a demand with its own TTL, stores it expiring then (never later than the TTL)', async () => {
    const store = new MemoryReservationStore();
    const shared = new SharedReservations({ store, ttlMs: 60_000, isCounted: () => false, now: () => 1000 });
    const admit = (key: string, ttlMs: number) =>
      shared.admit(KEY, false, () => ({
        decisions: [pass('quota')],
        demand: { key, scopes: [SCOPE], usage: new Map([['pods', UNIT]]), ttlMs },
      }));
    await admit(podKey('short'), 10_000);
    await admit(podKey('long'), 600_000);
    const { entries } = await store.load(KEY);
    expect(Object.fromEntries(entries.map((e) => [e.key, e.expiresAt]))).toEqual({
      [podKey('short')]: 11_000,
      [podKey('long')]: 61_000,
    });
  });
});

/** A store that lets another writer save just before the save call number `at` lands. */
class InterloperStore extends MemoryReservationStore {
  saveCalls = 0;
  interloper: { at: number; run: () => Promise<unknown> } | undefined;

  override async save(key: string, version: string | undefined, entries: readonly StoredReservation[]) {
    this.saveCalls += 1;
    const interloper = this.interloper;
    if (interloper?.at === this.saveCalls) {
      this.interloper = undefined;
      await interloper.run();
    }
    return super.save(key, version, entries);
  }
}

const admitAll = (replica: TestReplica, names: readonly string[]) =>
  Promise.all(names.map((name) => replica.admit(name)));
const names = (count: number, prefix = 'p') => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('SharedReservations in batches', () => {
  it('given a burst of concurrent admissions against a slow store, saves once per batch and answers all', async () => {
    const store = new MemoryReservationStore(10);
    const a = new TestReplica(store, 1000);
    const burst = names(300);
    const answers = await admitAll(a, burst);
    expect(answers.every(Boolean)).toBe(true);
    // the first alone (nothing was waiting), then batches of at most 64: far fewer saves than admits
    expect(store.saves).toBeLessThanOrEqual(1 + Math.ceil(299 / 64));
    expect(namesIn(await recordOf(store))).toEqual(burst);
  });

  it('given more concurrent requests than room in one batch, admits exactly the room, in arrival order', async () => {
    const store = new MemoryReservationStore();
    const a = new TestReplica(store, 3);
    const answers = await admitAll(a, names(10));
    expect(answers).toEqual([true, true, true, ...Array<boolean>(7).fill(false)]);
    expect(namesIn(await recordOf(store))).toEqual(['p0', 'p1', 'p2']);
    expect(store.saves).toBe(2); // p0 alone, then p1..p9 in one batch
  });

  it('given requests spread over several batches, admits exactly the room across them', async () => {
    const store = new MemoryReservationStore(2);
    const a = new TestReplica(store, 7, { maxBatch: 4 });
    const answers = await admitAll(a, names(20));
    expect(answers.filter(Boolean)).toHaveLength(7);
    expect(answers.slice(0, 7).every(Boolean)).toBe(true);
    expect(store.saves).toBe(3); // [p0], [p1..p4], [p5..p8] (p5, p6 admitted); the rest save nothing
  });

  it('given two replicas bursting on one record, admits exactly the room (conflicts redo batches)', async () => {
    const store = new MemoryReservationStore(5);
    const a = new TestReplica(store, 25, { maxAttempts: 200 });
    const b = new TestReplica(store, 25, { maxAttempts: 200 });
    const answers = await Promise.all([admitAll(a, names(40, 'a')), admitAll(b, names(40, 'b'))]);
    expect(answers.flat().filter(Boolean)).toHaveLength(25);
    expect((await recordOf(store)).entries).toHaveLength(25);
  });

  it('given a conflict on the batch save, decides the whole batch again on the fresh record', async () => {
    const store = new InterloperStore();
    const a = new TestReplica(store, 4);
    const b = new TestReplica(store, 4);
    expect(await a.admit('p0')).toBe(true); // save call 1
    // save call 2 is p1's (alone); before call 3 (the batch p2..p4) lands, replica b takes a pod
    store.interloper = { at: 3, run: () => b.admit('q1') };
    const answers = await admitAll(a, ['p1', 'p2', 'p3', 'p4']);
    // first plan: p2, p3 admitted; redone on [p0, p1, q1]: only p2 fits, and p3's answer is the redo's
    expect(answers).toEqual([true, true, false, false]);
    expect(store.conflicts).toBe(1);
    expect(a.decided).toBe(1 + 1 + 3 + 3);
    expect(namesIn(await recordOf(store))).toEqual(['p0', 'p1', 'q1', 'p2']);
  });

  it('given a request aborted while waiting for a batch, rejects it at once and saves the others', async () => {
    const store = new ScriptedStore();
    store.loadScript.set(1, 60);
    const a = new TestReplica(store, 5);
    const first = a.admit('p0');
    const deadline = new AbortController();
    const waiting = [a.admit('p1'), settle(a.admit('p2', deadline.signal)), a.admit('p3')] as const;
    await sleep(10);
    deadline.abort(new Error('deadline'));
    const outcome = await Promise.race([waiting[1], sleep(30).then(() => 'still waiting' as const)]);
    expect(outcome).toMatchObject({ ok: false, error: { code: ADM_ERR.DEADLINE } }); // before p0's answer
    expect(await first).toBe(true);
    expect(await waiting[0]).toBe(true);
    expect(await waiting[2]).toBe(true);
    expect(a.decided).toBe(3); // p2 never decided
    expect(namesIn(await recordOf(store))).toEqual(['p0', 'p1', 'p3']);
    expect(store.loads).toBe(2);
  });

  it('given a request abandoned while its batch decides, decides the rest again without it', async () => {
    const store = new ScriptedStore();
    store.loadScript.set(1, 30);
    const a = new TestReplica(store, 2);
    const blocker = a.admit('x', undefined, true); // a dry run: holds the worker, takes no room
    const deadline = new AbortController();
    const abandonedOne = settle(
      a.shared.admit(
        KEY,
        false,
        (reserved) => {
          deadline.abort(new Error('deadline')); // answered while its batch decides
          return a.decide('p1', reserved);
        },
        deadline.signal,
      ),
    );
    const rest = admitAll(a, ['p2', 'p3']);
    expect(await blocker).toBe(true);
    expect((await abandonedOne).ok).toBe(false);
    expect(await rest).toEqual([true, true]); // p1's entry was not counted against them
    expect(namesIn(await recordOf(store))).toEqual(['p2', 'p3']);
    expect(store.loads).toBe(2);
  });

  it('given dry runs in a batch, decides them against earlier admits but never saves theirs', async () => {
    const store = new ScriptedStore();
    store.loadScript.set(1, 30);
    const a = new TestReplica(store, 1);
    const blocker = a.admit('x', undefined, true);
    const answers = Promise.all([
      a.admit('p1', undefined, true),
      a.admit('p2'),
      a.admit('p3', undefined, true),
    ]);
    expect(await blocker).toBe(true);
    expect(await answers).toEqual([true, true, false]);
    expect(namesIn(await recordOf(store))).toEqual(['p2']);
    expect(store.saveCalls).toBe(1);
  });

  it('given a batch that fills the record, fails only the requests that do not fit', async () => {
    const store = new MemoryReservationStore();
    const a = new TestReplica(store, 100, { maxEntries: 3 });
    const answers = await Promise.all([
      settle(a.admit('p0')),
      settle(a.admit('p1')),
      settle(a.admit('p2')),
      settle(a.admit('p3')),
      settle(a.admit('p4', undefined, true)),
    ]);
    expect(answers.map((answer) => (answer.ok ? answer.value : 'error'))).toEqual([
      true,
      true,
      true,
      'error',
      true,
    ]);
    expect(answers[3]).toMatchObject({ ok: false, error: { code: ADM_ERR.INTERNAL } });
    expect(answers[3]?.ok ? undefined : String(answers[3]?.error)).toMatch(/too many quota reservations/);
    expect(namesIn(await recordOf(store))).toEqual(['p0', 'p1', 'p2']);
    expect(store.saves).toBe(2);
  });
});

describe('SharedReservations across replicas whose clocks disagree', () => {
  it('given a replica whose clock runs 61 s ahead, never erases entries the others still count', async () => {
    const store = new MemoryReservationStore();
    const t = 1_000_000;
    const a = new TestReplica(store, 2, { now: () => t });
    const b = new TestReplica(store, 2, { now: () => t + 61_000 });
    expect(await a.admit('p1')).toBe(true);
    expect(await a.admit('p2')).toBe(true);
    expect(await a.admit('p3')).toBe(false);
    // B reads p1 and p2 as expired by its own clock (its own under-count), but saves them
    expect(await b.admit('p4')).toBe(true);
    expect(namesIn(await recordOf(store))).toEqual(['p1', 'p2', 'p4']);
    expect(await a.admit('p5')).toBe(false); // A still counts p1 and p2
  });

  it('given a full record, drops the entries already expired by its clock before refusing', async () => {
    let now = 1_000;
    const store = new MemoryReservationStore();
    const a = new TestReplica(store, 100, { ttlMs: 500, maxEntries: 3, now: () => now });
    for (const name of ['p1', 'p2', 'p3']) expect(await a.admit(name)).toBe(true);
    now = 1_600; // all expired by this clock, kept within the grace; none counted by the snapshot
    expect(await a.admit('p4')).toBe(true);
    expect(namesIn(await recordOf(store))).toEqual(['p2', 'p3', 'p4']);
  });
});
