import type { Usage } from '@corral/cluster';
import fc from 'fast-check';
import { ReservationLedger } from './reservation-ledger.js';

// The key correctness test of the O(1) ledger: after any sequence of reservations, re-reservations,
// releases, clock moves (backwards too) and objects appearing in or leaving the snapshot, every
// read equals what the plain ledger of before issue #5 (kept below as the model, with the same-key
// merge of the eighth session) answers.
//
// The model scans every reservation on each read, as that ledger did. It prunes at the moments the
// O(1) ledger learns things: expiry at each read and each reserve; "counted by the snapshot" at each
// read, at reserve, and when the snapshot adds an object (the hook that calls settle). Objects can
// leave the snapshot too: a reservation ended because its object showed up stays ended.

interface ModelReservation {
  readonly key: string;
  readonly scopes: readonly string[];
  readonly usage: Usage;
  readonly expiresAt: number;
}

class NaiveLedger {
  readonly byKey = new Map<string, ModelReservation>();
  constructor(
    private readonly ttlMs: number,
    private readonly isCounted: (key: string) => boolean,
    private readonly now: () => number,
  ) {}

  reservedIn(scope: string, exclude = ''): Usage {
    this.prune(true);
    const total = new Map<string, bigint>();
    for (const reservation of this.byKey.values()) {
      if (reservation.key === exclude || !reservation.scopes.includes(scope)) continue;
      for (const [name, value] of reservation.usage) total.set(name, (total.get(name) ?? 0n) + value);
    }
    return total;
  }

  /** A live reservation of the same key is merged: the scopes of both, per resource the larger. */
  reserve(key: string, scopes: readonly string[], usage: Usage): void {
    this.prune(false);
    const previous = this.byKey.get(key);
    const held = new Map(usage);
    for (const [name, value] of previous?.usage ?? [])
      if (value > (held.get(name) ?? 0n)) held.set(name, value);
    const allScopes = [...new Set([...(previous?.scopes ?? []), ...scopes])];
    this.byKey.set(key, { key, scopes: allScopes, usage: held, expiresAt: this.now() + this.ttlMs });
    if (this.isCounted(key)) this.byKey.delete(key);
  }

  release(key: string): void {
    this.byKey.delete(key);
  }

  /** Drops what expired and, with `counted`, what the snapshot counts. */
  prune(counted: boolean): void {
    const now = this.now();
    for (const [key, reservation] of this.byKey) {
      if (reservation.expiresAt <= now || (counted && this.isCounted(key))) this.byKey.delete(key);
    }
  }

  dropCounted(): void {
    for (const key of this.byKey.keys()) if (this.isCounted(key)) this.byKey.delete(key);
  }
}

const TTL = 1000;
const KEYS = ['Pod/a/p1', 'Pod/a/p2', 'Pod/b/p1', 'Pod/b/p3', 'PersistentVolumeClaim/a/c1'];
const SCOPES = ['namespace/a', 'namespace/b', 'department/d', 'department/e'];
const RESOURCES = ['pods', 'requests.cpu', 'requests.storage'];

type Op =
  | { op: 'reserve'; key: string; scopes: string[]; usage: [string, bigint][] }
  | { op: 'release'; key: string }
  | { op: 'tick'; ms: number }
  | { op: 'appear'; key: string }
  | { op: 'change'; key: string }
  | { op: 'leave'; key: string };

const key = fc.constantFrom(...KEYS);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('reserve' as const),
      key,
      scopes: fc.array(fc.constantFrom(...SCOPES), { maxLength: 3 }),
      usage: fc.array(fc.tuple(fc.constantFrom(...RESOURCES), fc.bigInt({ min: 0n, max: 3n })), {
        maxLength: 3,
      }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('release' as const), key }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: -1500, max: 1500 }) }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('appear' as const), key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('change' as const), key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('leave' as const), key }) },
);

/** The model sums zeros into its maps; the ledger deletes them. */
const withoutZeros = (usage: Usage) => new Map([...usage].filter(([, value]) => value !== 0n));

function run(ops: readonly Op[], forwardOnly: boolean, excludes = KEYS, readEvery = 1): void {
  let now = 0;
  const inSnapshot = new Set<string>();
  const isCounted = (k: string) => inSnapshot.has(k);
  const ledger = new ReservationLedger({ ttlMs: TTL, isCounted, now: () => now });
  const model = new NaiveLedger(TTL, isCounted, () => now);
  for (const [index, step] of ops.entries()) {
    apply(step);
    expect(ledger.size).toBe(model.byKey.size);
    if (index % readEvery !== 0) continue;
    for (const scope of SCOPES) {
      for (const exclude of ['', ...excludes]) {
        expect(ledger.reservedIn(scope, exclude)).toEqual(withoutZeros(model.reservedIn(scope, exclude)));
      }
    }
  }

  function apply(step: Op): void {
    switch (step.op) {
      case 'reserve': {
        const usage = new Map<string, bigint>();
        for (const [name, value] of step.usage) usage.set(name, value * 1_000_000_000n);
        ledger.reserve(step.key, step.scopes, usage);
        model.reserve(step.key, step.scopes, usage);
        return;
      }
      case 'release':
        ledger.release(step.key);
        model.release(step.key);
        return;
      case 'tick':
        now += forwardOnly ? Math.abs(step.ms) : step.ms;
        return;
      case 'appear':
      case 'change':
        // What the snapshot's onApplied hook does (review-handlers.ts settleFromSnapshot).
        if (step.op === 'appear') inSnapshot.add(step.key);
        if (!inSnapshot.has(step.key)) return;
        ledger.settle(step.key);
        model.dropCounted();
        return;
      case 'leave':
        inSnapshot.delete(step.key);
        return;
    }
  }
}

describe('ReservationLedger against the plain ledger', () => {
  it('given any sequence with a clock that only moves forward, answers the same', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 50 }), (ops) => run(ops, true)),
      { numRuns: 300 },
    );
  });

  it('given any sequence with a clock that also steps backwards, answers the same', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 50 }), (ops) => run(ops, false)),
      { numRuns: 300 },
    );
  });

  it('given a long run over many objects (queues compacted and trimmed), answers the same', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `Pod/${i % 2 === 0 ? 'a' : 'b'}/p${i}`);
    const many = fc.oneof(
      { weight: 6, arbitrary: op.filter((o) => o.op === 'reserve') },
      { weight: 4, arbitrary: op.filter((o) => o.op !== 'reserve') },
    );
    const spread = (maxTick: number) =>
      fc.tuple(many, fc.nat(keys.length - 1)).map(([o, i]): Op => {
        if (o.op === 'tick') return { ...o, ms: Math.sign(o.ms) * Math.min(Math.abs(o.ms), maxTick) };
        return { ...o, key: keys[i] ?? '' };
      });
    // First an object reserved and never touched again: at the front of the queue, it keeps the churn
    // behind it queued (replaced reservations pile up until compacted); then time moves faster.
    const ops: Op[] = [
      { op: 'reserve', key: 'Pod/c/anchor', scopes: ['namespace/b'], usage: [['pods', 1n]] },
      ...fc.sample(spread(1), { numRuns: 5_000, seed: 5 }),
      ...fc.sample(spread(40), { numRuns: 5_000, seed: 6 }),
    ];
    const excludes = ['Pod/c/anchor', ...keys.filter((_, i) => i % 30 === 0)];
    run(ops, false, excludes, 13);
    run(ops, true, excludes, 13);
  });
});
