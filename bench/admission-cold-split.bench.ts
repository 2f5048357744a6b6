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
import { loadColdRules, thrasher } from './admission-cold-rules.js';

const HERE = fileURLToPath(new URL('..', import.meta.url));
const TREE = (process.env['BENCH_TREE'] ?? HERE).replace(/\/$/, '');
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 15_000);
const THRASH_BYTES = Number(process.env['BENCH_THRASH_KB'] ?? 4096) * 1024;

// Two sets of the validating rules: the same code, each its own snapshot and ledger.
const { review: first, parse } = await loadColdRules(TREE, '/validate');
const { review: second } = await loadColdRules(TREE, '/validate');
const { thrash, touched } = thrasher(THRASH_BYTES);

/** Runs one review, returning its time in µs. */
async function timed(review: (body: unknown) => Promise<unknown>, body: unknown): Promise<number> {
  const started = process.hrtime.bigint();
  await review(body);
  return Number(process.hrtime.bigint() - started) / 1000;
}

for (let i = 0; i < 3000; i++) for (const review of [first, second]) await review(parse());
const cold: number[] = [];
const codeWarm: number[] = [];
const warm: number[] = [];
for (let i = 0; i < REQUESTS; i++) {
  thrash();
  const bodies = [parse(), parse(), parse()];
  cold.push(await timed(first, bodies[0]));
  codeWarm.push(await timed(second, bodies[1]));
  warm.push(await timed(first, bodies[2]));
}

const median = (times: number[]) => ([...times].sort((a, b) => a - b)[times.length >> 1] ?? NaN).toFixed(2);
console.log(
  `${TREE} /validate, ${REQUESTS} reviews, ${THRASH_BYTES / 1024} KiB touched (${touched() > 0 ? 'done' : '-'})`,
);
console.log(`median µs: all cold ${median(cold)}, code warm ${median(codeWarm)}, warm ${median(warm)}`);
