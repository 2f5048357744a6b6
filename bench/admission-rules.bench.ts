/**
 * The admission rules alone, in process: `withAdmission` (envelope + the webhook's rules, the
 * reservation ledger included) on the bench review, parsed just before each call so that the body is
 * as fresh in the caches as a request's is, minus the same loop doing only the parse. No HTTP, no
 * metrics, no answer serialization: what the rules themselves cost per review.
 *
 * Run: `npx tsx --conditions corral-source bench/admission-rules.bench.ts` (BENCH_PATHS, default
 * `/validate,/mutate`; BENCH_REQUESTS per round, default 20,000; BENCH_ROUNDS, default 8). Prints each
 * round and the best; compare trees by running it in each, alternately.
 */
import { DEFAULT_RULE_SETTINGS } from '@corral/admission';
import { ReservationLedger } from '../plugins/admission/src/effects/reservation-ledger.js';
import { snapshotFromFiles } from '../plugins/admission/src/testing/example-snapshot.js';
import { reviewHandlers } from '../plugins/admission/src/transport/review-handlers.js';
import { withAdmission } from '../plugins/admission/src/transport/with-admission.js';
import { benchReview } from './admission-bench-review.js';

const PATHS = (process.env['BENCH_PATHS'] ?? '/validate,/mutate').split(',') as ('/validate' | '/mutate')[];
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 20_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 8);

const snapshot = await snapshotFromFiles();
const ledger = new ReservationLedger({ ttlMs: 60_000, isCounted: () => false });
const handlers = reviewHandlers(snapshot, DEFAULT_RULE_SETTINGS, ledger);
const options = { deadlineMs: 8000, failOpen: handlers.failOpen };

/** µs per iteration of `work` over REQUESTS iterations. */
async function timed(work: () => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i++) await work();
  return Number(process.hrtime.bigint() - started) / 1000 / REQUESTS;
}

for (const path of PATHS) {
  const text = benchReview(path);
  const inner = path === '/validate' ? handlers.validate : handlers.mutate;
  const first = await withAdmission(JSON.parse(text), inner, options);
  if (first.failure) throw new Error(`${path}: the rules failed: ${first.failure.message}`);
  const costs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const withRules = await timed(() => withAdmission(JSON.parse(text), inner, options));
    const parseOnly = await timed(() => Promise.resolve(JSON.parse(text)));
    costs.push(withRules - parseOnly);
    console.log(
      `${path} round ${round + 1}: ${withRules.toFixed(2)} µs with the rules, ${parseOnly.toFixed(2)} µs parse only, rules ${(withRules - parseOnly).toFixed(2)} µs`,
    );
  }
  // The first round warms the code up; the best of the rest is the least disturbed.
  console.log(`${path}: rules ${Math.min(...costs.slice(1)).toFixed(2)} µs per review (best round)`);
}
