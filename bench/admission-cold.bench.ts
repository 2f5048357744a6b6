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
import { loadColdRules, thrasher, type ColdRules } from './admission-cold-rules.js';

const HERE = fileURLToPath(new URL('..', import.meta.url));
const TREES = (process.env['BENCH_TREES'] ?? HERE).split(',').map((tree) => tree.replace(/\/$/, ''));
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 15_000);
const THRASH_BYTES = Number(process.env['BENCH_THRASH_KB'] ?? 4096) * 1024;
const PATH = process.env['BENCH_PATH'] ?? '/validate';

const sides: ColdRules[] = [];
for (const tree of TREES) sides.push(await loadColdRules(tree, PATH));
const { thrash, touched } = thrasher(THRASH_BYTES);

for (let i = 0; i < 3000; i++) for (const side of sides) await side.review(side.parse());
const times = sides.map(() => [] as number[]);
for (let i = 0; i < REQUESTS; i++) {
  for (let k = 0; k < sides.length; k++) {
    const index = (i + k) % sides.length; // each tree first in turn
    const side = sides[index] as ColdRules;
    thrash();
    const body = side.parse();
    const started = process.hrtime.bigint();
    await side.review(body);
    times[index]?.push(Number(process.hrtime.bigint() - started) / 1000);
  }
}

console.log(
  `${PATH}, ${REQUESTS} reviews per tree, ${THRASH_BYTES / 1024} KiB touched before each (${touched() > 0 ? 'done' : '-'})`,
);
console.log('tree                                   p25 µs  median µs  p75 µs');
for (const [index, side] of sides.entries()) {
  const sorted = [...(times[index] ?? [])].sort((a, b) => a - b);
  const at = (q: number) => (sorted[Math.floor(sorted.length * q)] ?? Number.NaN).toFixed(2);
  console.log(
    `${side.tree.padEnd(38)} ${at(0.25).padStart(7)} ${at(0.5).padStart(10)} ${at(0.75).padStart(7)}`,
  );
}
