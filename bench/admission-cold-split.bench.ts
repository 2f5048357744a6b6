/**
 * What a cold `/validate` review's cost is made of: the rules' code or their data. One tree's rules
 * are set up twice (two snapshots and ledgers: the same code, each its own objects); after BENCH_THRASH_KB
 * of memory (default 4,096) is touched, a review runs on the first (everything cold), then one on the
 * second (the code warm, its own objects cold), then one on the first again (warm). The bodies are
 * parsed before the first, untimed. See docs/benchmarks.md, sixteenth session.
 *
 * Run: `npx tsx --conditions corral-source bench/admission-cold-split.bench.ts` (BENCH_TREE, a checkout
 * with its own node_modules, default this one; BENCH_REQUESTS, default 15,000). Reports medians.
 */
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('..', import.meta.url));
const TREE = (process.env['BENCH_TREE'] ?? HERE).replace(/\/$/, '');
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 15_000);
const THRASH_BYTES = Number(process.env['BENCH_THRASH_KB'] ?? 4096) * 1024;

const from = (path: string) => import(`${TREE}/${path}`);
const { DEFAULT_RULE_SETTINGS } = await from('plugins/admission/src/decide/settings.ts');
const { ReservationLedger } = await from('plugins/admission/src/effects/reservation-ledger.ts');
const { snapshotFromFiles } = await from('plugins/admission/src/testing/example-snapshot.ts');
const { reviewHandlers } = await from('plugins/admission/src/transport/review-handlers.ts');
const { withAdmission } = await from('plugins/admission/src/transport/with-admission.ts');
const { benchReview } = await from('bench/admission-bench-review.ts');
const text = benchReview('/validate') as string;

/** One set of the validating rules: its own snapshot and ledger, as admission-cold.bench.ts sets up. */
async function rules(): Promise<(body: unknown) => Promise<unknown>> {
  const ledger = new ReservationLedger({ ttlMs: 60_000, isCounted: () => false });
  const handlers = reviewHandlers(await snapshotFromFiles(), DEFAULT_RULE_SETTINGS, ledger);
  const options = { deadlineMs: 8000, failOpen: handlers.failOpen };
  return (body) => withAdmission(body, handlers.validate, options) as Promise<unknown>;
}

const first = await rules();
const second = await rules();
const junk = new Uint32Array(THRASH_BYTES / 4);
let touched = 0;
/** Reads and writes one word per 64-byte line of `junk`. */
function thrash(): void {
  for (let i = 0; i < junk.length; i += 16) touched += junk[i] = (junk[i] ?? 0) + 1;
}

/** Runs one review, returning its time in µs. */
async function timed(review: (body: unknown) => Promise<unknown>, body: unknown): Promise<number> {
  const started = process.hrtime.bigint();
  await review(body);
  return Number(process.hrtime.bigint() - started) / 1000;
}

for (let i = 0; i < 3000; i++) for (const review of [first, second]) await review(JSON.parse(text));
const cold: number[] = [];
const codeWarm: number[] = [];
const warm: number[] = [];
for (let i = 0; i < REQUESTS; i++) {
  thrash();
  const bodies = [JSON.parse(text), JSON.parse(text), JSON.parse(text)];
  cold.push(await timed(first, bodies[0]));
  codeWarm.push(await timed(second, bodies[1]));
  warm.push(await timed(first, bodies[2]));
}

const median = (times: number[]) => ([...times].sort((a, b) => a - b)[times.length >> 1] ?? NaN).toFixed(2);
console.log(
  `${TREE} /validate, ${REQUESTS} reviews, ${THRASH_BYTES / 1024} KiB touched (${touched > 0 ? 'done' : '-'})`,
);
console.log(`median µs: all cold ${median(cold)}, code warm ${median(codeWarm)}, warm ${median(warm)}`);
