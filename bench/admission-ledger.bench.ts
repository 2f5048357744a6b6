/**
 * The admission quota ledger per review (issue #5): what a quota-bearing pod CREATE costs the ledger,
 * i.e. two reads (its namespace and department: `reserved`, the baseline's `reservedIn`) and one
 * `reserve`, with `size` live
 * reservations held. The steady state is kept one of two ways: the snapshot shows each object `size`
 * reviews after its reservation (the informer catching up; the ledger is told through `settle`, as
 * the admission server's snapshot hook does), or the objects never show up and the TTL ends them.
 *
 * The baseline is the ledger before issue #5, copied below: every read visits every reservation and
 * asks the snapshot about each (as countedBySnapshot does: split the key, look the object up). Both
 * run in the same process, in turns, several rounds of at least 150 ms; the time is the process's CPU
 * time (user + system, so a busy machine inflates it less than wall time), per review, the harness's
 * own work included (the "harness only" column runs it without a ledger); the best round of each is
 * shown with the median beside it.
 * Run: `npx tsx --conditions corral-source bench/admission-ledger.bench.ts` (BENCH_ROUNDS, default 5).
 */
import { ReservationLedger } from '@corral/admission';
import type { Usage } from '@corral/cluster';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const SIZES = [10, 2_000, 20_000];
/** Each round of each implementation runs reviews for at least this long. */
const ROUND_NS = 150_000_000n;

interface Reservation {
  readonly key: string;
  readonly scopes: readonly string[];
  readonly usage: Usage;
  readonly expiresAt: number;
}

interface LedgerOptions {
  readonly ttlMs: number;
  readonly isCounted: (key: string) => boolean;
  readonly now: () => number;
}

/** BASELINE: the ledger before issue #5 (O(live reservations) per read), kept for comparison. */
class BaselineLedger {
  private readonly byKey = new Map<string, Reservation>();
  constructor(private readonly options: LedgerOptions) {}

  get size(): number {
    return this.byKey.size;
  }

  reservedIn(scope: string, exclude = ''): Usage {
    this.prune();
    const total = new Map<string, bigint>();
    for (const reservation of this.byKey.values()) {
      if (reservation.key === exclude || !reservation.scopes.includes(scope)) continue;
      for (const [name, value] of reservation.usage) total.set(name, (total.get(name) ?? 0n) + value);
    }
    return total;
  }

  reserve(key: string, scopes: readonly string[], usage: Usage): void {
    this.byKey.set(key, {
      key,
      scopes: [...scopes],
      usage,
      expiresAt: this.options.now() + this.options.ttlMs,
    });
  }

  settle(): void {} // the baseline asks isCounted on every read instead

  prune(): void {
    const now = this.options.now();
    for (const [key, reservation] of this.byKey) {
      if (reservation.expiresAt <= now || this.options.isCounted(key)) this.byKey.delete(key);
    }
  }
}

/** What a review asks of a ledger; `read` is what the quota checks read of one scope. */
type Ledger = Pick<ReservationLedger, 'reserve' | 'settle' | 'size'> & {
  read(scope: string, exclude: string): unknown;
};
type Ending = 'settled' | 'expired';

const NAMESPACES = 50;
const DEPARTMENTS = 8;
const usage: Usage = new Map([
  ['pods', 1_000_000_000n],
  ['requests.cpu', 100_000_000n],
  ['requests.memory', 134_217_728_000_000_000n],
  ['limits.cpu', 500_000_000n],
  ['limits.memory', 268_435_456_000_000_000n],
]);
const namespaceOf = (i: number) => i % NAMESPACES;
const keyOf = (i: number) => `Pod/ns${namespaceOf(i)}/pod-${i}`;
const scopesOf = (i: number) => [
  `namespace/ns${namespaceOf(i)}`,
  `department/d${namespaceOf(i) % DEPARTMENTS}`,
];

/** One ledger at a steady `size` live reservations, and a function timing `count` more reviews. */
function steadyLedger(make: (options: LedgerOptions) => Ledger, size: number, ending: Ending) {
  let now = 0;
  const stepMs = 0.5; // 2,000 reviews a second
  // Expired: the TTL is what keeps `size` live. Settled: the snapshot shows each object `size`
  // reviews later.
  const ttlMs = ending === 'expired' ? size * stepMs : 3_600_000;
  const present = new Map<string, true>();
  const isCounted = (key: string) => {
    const [, namespace = '', name = ''] = key.split('/');
    return present.has(`${namespace}/${name}`);
  };
  const ledger = make({ ttlMs, isCounted, now: () => now });
  let next = 0;
  const review = (reads: boolean) => {
    const i = next++;
    now += stepMs;
    if (ending === 'settled' && i >= size) {
      const old = i - size;
      present.set(`ns${namespaceOf(old)}/pod-${old}`, true);
      ledger.settle(keyOf(old)); // what the snapshot's onApplied hook does
      if (old >= size) present.delete(`ns${namespaceOf(old - size)}/pod-${old - size}`);
    }
    const key = keyOf(i);
    const [namespace = '', department = ''] = scopesOf(i);
    if (reads) {
      ledger.read(namespace, key);
      ledger.read(department, key);
    }
    ledger.reserve(key, [namespace, department], usage);
  };
  for (let i = 0; i < size; i++) review(false); // fill up to the steady state
  for (let i = 0; i < 200; i++) review(true); // warm up
  return {
    ledger,
    /** CPU µs per review over a round of at least ROUND_NS. */
    time(): number {
      const started = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      let count = 0;
      do {
        for (let i = 0; i < 16; i++) review(true);
        count += 16;
      } while (process.hrtime.bigint() - started < ROUND_NS);
      const used = process.cpuUsage(cpu);
      return (used.user + used.system) / count;
    },
  };
}

/** No ledger at all: what the harness itself costs per review (keys, the snapshot's side). */
const noLedger: Ledger = {
  size: 0,
  read: () => undefined,
  reserve: () => undefined,
  settle: () => undefined,
};

const IMPLEMENTATIONS: [string, (options: LedgerOptions) => Ledger][] = [
  ['harness only', () => noLedger],
  [
    'baseline (scan)',
    (options) => {
      const ledger = new BaselineLedger(options);
      return Object.assign(ledger, {
        read: (scope: string, exclude: string) => ledger.reservedIn(scope, exclude),
      });
    },
  ],
  [
    'ReservationLedger',
    (options) => {
      const ledger = new ReservationLedger(options);
      return Object.assign(ledger, {
        read: (scope: string, exclude: string) => ledger.reserved(scope, exclude),
      });
    },
  ],
];

const best = (values: number[]) => Math.min(...values);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const fmt = (us: number) => (us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2));

const lines = [
  '| live reservations | ending | harness only, µs | baseline (scan), µs best / median | ReservationLedger, µs best / median | speed-up (best) |',
  '|---:|---|---:|---:|---:|---:|',
];
for (const size of SIZES) {
  for (const ending of ['settled', 'expired'] as const) {
    const runs = IMPLEMENTATIONS.map(([, make]) => steadyLedger(make, size, ending));
    const samples: number[][] = runs.map(() => []);
    for (let round = 0; round < ROUNDS; round++)
      runs.forEach((run, index) => samples[index]?.push(run.time()));
    const live = runs.slice(1).map((run) => run.ledger.size);
    if (live.some((n) => Math.abs(n - size) > 1)) throw new Error(`live reservations ${live} != ${size}`);
    const [harness = [], baseline = [], fresh = []] = samples;
    lines.push(
      `| ${size.toLocaleString('en')} | ${ending} | ${fmt(best(harness))} | ${fmt(best(baseline))} / ${fmt(median(baseline))} | ` +
        `${fmt(best(fresh))} / ${fmt(median(fresh))} | ×${(best(baseline) / best(fresh)).toFixed(0)} |`,
    );
  }
}
console.log(lines.join('\n'));
