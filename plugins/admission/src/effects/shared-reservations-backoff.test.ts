import { UNIT } from '@corral/cluster';
import { pass } from '../decide/decision.js';
import type { ValidateResult } from '../decide/validate.js';
import { ADM_ERR } from '../errors.js';
import { MemoryReservationStore, type StoredReservation } from './reservation-store.js';
import { SharedReservations, type SharedReservationsOptions } from './shared-reservations.js';

const KEY = 'department-team';

/** A versioned store whose first `conflicts` saves are refused as conflicts (another replica won). */
class ConflictingStore extends MemoryReservationStore {
  constructor(public conflictsLeft: number) {
    super();
  }

  override async save(key: string, version: string | undefined, entries: readonly StoredReservation[]) {
    if (this.conflictsLeft > 0) {
      this.conflictsLeft -= 1;
      return 'conflict' as const;
    }
    return super.save(key, version, entries);
  }
}

const admitting = (name: string) => (): ValidateResult => ({
  decisions: [pass('quota')],
  demand: { key: `Pod/team-a/${name}`, scopes: ['department/team'], usage: new Map([['pods', UNIT]]) },
});

function reservations(store: MemoryReservationStore, options: Partial<SharedReservationsOptions> = {}) {
  const waits: number[] = [];
  const shared = new SharedReservations({
    store,
    ttlMs: 60_000,
    isCounted: () => false,
    random: () => 0.5,
    pause: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  return { shared, waits };
}

describe('SharedReservations: backoff between conflict retries', () => {
  it('given three conflicts, waits a jittered delay that doubles before each reload, then saves', async () => {
    const store = new ConflictingStore(3);
    const { shared, waits } = reservations(store);
    const result = await shared.admit(KEY, false, admitting('p1'));
    expect(result.decisions).toEqual([pass('quota')]);
    expect(waits).toEqual([2.5, 5, 10]); // half of 5, 10, 20 ms (random() = 0.5)
    expect((await store.load(KEY)).entries.map((entry) => entry.key)).toEqual(['Pod/team-a/p1']);
  });

  it('given no conflict, never waits', async () => {
    const { shared, waits } = reservations(new MemoryReservationStore());
    await shared.admit(KEY, false, admitting('p1'));
    expect(waits).toEqual([]);
  });

  it('given a record contended on every attempt, waits between attempts only and gives up after 20', async () => {
    const store = new ConflictingStore(Number.POSITIVE_INFINITY);
    const { shared, waits } = reservations(store, { random: () => 1 });
    await expect(shared.admit(KEY, false, admitting('p1'))).rejects.toMatchObject({
      code: ADM_ERR.INTERNAL,
      message: expect.stringContaining('stayed contended after 20 attempts'),
    });
    expect(waits).toHaveLength(19);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(825);
  });

  it('given every review of the batch answered during a wait, stops waiting and serves the next batch', async () => {
    const store = new ConflictingStore(1);
    const shared = new SharedReservations({
      store,
      ttlMs: 60_000,
      isCounted: () => false,
      retryBackoff: { baseMs: 60_000, maxMs: 60_000 },
      random: () => 0.99,
    });
    const deadline = new AbortController();
    const first = shared.admit(KEY, false, admitting('p1'), deadline.signal);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the first save conflicted: waiting
    deadline.abort(new Error('deadline'));
    await expect(first).rejects.toMatchObject({ code: ADM_ERR.DEADLINE });
    const second = shared.admit(KEY, false, admitting('p2'));
    const outcome = await Promise.race([
      second.then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1_000)),
    ]);
    expect(outcome).toBe('answered');
    expect((await store.load(KEY)).entries.map((entry) => entry.key)).toEqual(['Pod/team-a/p2']);
  });
});
