/**
 * The runtime's JSON body parser (packages/runtime/src/ops/json-body.ts) against fastify's own
 * (secure-json-parse) on the admission bench review, and the text searches the fast path makes before
 * JSON.parse (why `constructor` is looked for as `uctor`: V8's search skips ahead to each occurrence of
 * the first letter, and `c` is everywhere in a Kubernetes object).
 *
 * Run: `npx tsx --conditions corral-source bench/json-body.bench.ts` (BENCH_REQUESTS per round,
 * default 50,000; BENCH_ROUNDS, default 5; the best round is shown).
 */
import { fastify } from 'fastify';
import { fastJsonBodyParser, type TextBodyParser } from '../packages/runtime/src/ops/json-body.js';
import { benchReview } from './admission-bench-review.js';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 50_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const text = benchReview('/validate');

const fallback = fastify().getDefaultJsonParser('error', 'error') as TextBodyParser;
const fast = fastJsonBodyParser(fallback);
const request = {} as Parameters<TextBodyParser>[0];
let sink = 0;
const parseWith = (parser: TextBodyParser) => () =>
  parser(request, text, (err, body) => {
    if (err) throw err;
    sink += body === undefined ? 0 : 1;
  });

const rows: [string, () => void][] = [
  ['runtime fast parser (JSON.parse after the scans)', parseWith(fast)],
  ["fastify's default parser (secure-json-parse)", parseWith(fallback)],
  ["text.includes('constructor')", () => (sink += text.includes('constructor') ? 1 : 0)],
  ["text.includes('uctor')", () => (sink += text.includes('uctor') ? 1 : 0)],
  ["text.includes('__proto__')", () => (sink += text.includes('__proto__') ? 1 : 0)],
  ["text.includes('\\\\u00')", () => (sink += text.includes('\\u00') ? 1 : 0)],
];

/** ns per call over one round. */
function round(work: () => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i++) work();
  return Number(process.hrtime.bigint() - started) / REQUESTS;
}

const best = rows.map(() => Number.POSITIVE_INFINITY);
for (const [, work] of rows) round(work); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  rows.forEach(([, work], index) => {
    best[index] = Math.min(best[index] ?? Number.POSITIVE_INFINITY, round(work));
  });
}
console.log(`review of ${text.length} characters; best of ${ROUNDS} rounds × ${REQUESTS} (rows in turns)`);
rows.forEach(([name], index) =>
  console.log(`${name.padEnd(50)} ${(best[index] ?? NaN).toFixed(0).padStart(7)} ns`),
);
if (sink < 0) console.log(sink);
