/**
 * The validating rules with cold caches, in process: `withAdmission` (envelope, rules, reservation) on
 * the bench review, with BENCH_THRASH_KB of memory (default 4,096) read and written before each review
 * so that the rules find their long-lived objects (snapshot maps, ledger totals, parsed quotas) and
 * their code out of the CPU caches, as a server does between requests over HTTPS (docs/benchmarks.md,
 * thirteenth session). The body is parsed after the thrash and not timed. Several trees' rules are
 * loaded into this one process and their reviews interleaved, so that whatever slows the machine
 * slows them alike: compare a change with the tree before it (BENCH_TREES=<before>,<after>).
 *
 * Run: `npx tsx --conditions corral-source bench/admission-cold.bench.ts` (BENCH_TREES, a comma list of
 * checkouts with their own node_modules, default this one; BENCH_REQUESTS per tree, default 15,000;
 * BENCH_PATH, default `/validate`). Reports the 25th percentile, median and 75th percentile per tree.
 */
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('..', import.meta.url));
const TREES = (process.env['BENCH_TREES'] ?? HERE).split(',').map((tree) => tree.replace(/\/$/, ''));
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 15_000);
const THRASH_BYTES = Number(process.env['BENCH_THRASH_KB'] ?? 4096) * 1024;
const PATH = process.env['BENCH_PATH'] ?? '/validate';

interface Side {
  readonly tree: string;
  readonly parse: () => unknown;
  readonly review: (body: unknown) => Promise<unknown>;
}

/** One tree's rules, as admission-rules.bench.ts sets them up (examples' snapshot, a fresh ledger). */
async function load(tree: string): Promise<Side> {
  const from = (path: string) => import(`${tree}/${path}`);
  const { DEFAULT_RULE_SETTINGS } = await from('plugins/admission/src/decide/settings.ts');
  const { ReservationLedger } = await from('plugins/admission/src/effects/reservation-ledger.ts');
  const { snapshotFromFiles } = await from('plugins/admission/src/testing/example-snapshot.ts');
  const { reviewHandlers } = await from('plugins/admission/src/transport/review-handlers.ts');
  const { withAdmission } = await from('plugins/admission/src/transport/with-admission.ts');
  const { benchReview } = await from('bench/admission-bench-review.ts');
  const ledger = new ReservationLedger({ ttlMs: 60_000, isCounted: () => false });
  const handlers = reviewHandlers(await snapshotFromFiles(), DEFAULT_RULE_SETTINGS, ledger);
  const options = { deadlineMs: 8000, failOpen: handlers.failOpen };
  const inner = PATH === '/validate' ? handlers.validate : handlers.mutate;
  const text = benchReview(PATH) as string;
  const review = (body: unknown) => withAdmission(body, inner, options) as Promise<unknown>;
  const first = (await review(JSON.parse(text))) as { failure?: Error };
  if (first.failure) throw new Error(`${tree} ${PATH}: the rules failed: ${first.failure.message}`);
  return { tree, parse: () => JSON.parse(text), review };
}

const sides: Side[] = [];
for (const tree of TREES) sides.push(await load(tree));
const junk = new Uint32Array(THRASH_BYTES / 4);
let touched = 0;
/** Reads and writes one word per 64-byte line of `junk`. */
function thrash(): void {
  for (let i = 0; i < junk.length; i += 16) touched += junk[i] = (junk[i] ?? 0) + 1;
}

for (let i = 0; i < 3000; i++) for (const side of sides) await side.review(side.parse());
const times = sides.map(() => [] as number[]);
for (let i = 0; i < REQUESTS; i++) {
  for (let k = 0; k < sides.length; k++) {
    const index = (i + k) % sides.length; // each tree first in turn
    const side = sides[index] as Side;
    thrash();
    const body = side.parse();
    const started = process.hrtime.bigint();
    await side.review(body);
    times[index]?.push(Number(process.hrtime.bigint() - started) / 1000);
  }
}

console.log(
  `${PATH}, ${REQUESTS} reviews per tree, ${THRASH_BYTES / 1024} KiB touched before each (${touched > 0 ? 'done' : '-'})`,
);
console.log('tree                                   p25 µs  median µs  p75 µs');
for (const [index, side] of sides.entries()) {
  const sorted = [...(times[index] ?? [])].sort((a, b) => a - b);
  const at = (q: number) => (sorted[Math.floor(sorted.length * q)] ?? Number.NaN).toFixed(2);
  console.log(
    `${side.tree.padEnd(38)} ${at(0.25).padStart(7)} ${at(0.5).padStart(10)} ${at(0.75).padStart(7)}`,
  );
}
