/**
 * The admission service's own CPU time per review, without TLS or sockets: each bench app (see
 * admission-bench-apps.ts) answers the bench review through fastify's `inject`, one request at a time,
 * in this one process. `inject` adds the same fixed cost to every app, so the differences between rows
 * are what the runtime's wrappers and the rules cost. The rows are measured in turns, several rounds,
 * and the best round of each is shown (on a busy machine the best is the least disturbed), with the
 * median beside it. Use it (with `node --cpu-prof`) to find and check wins, and the HTTPS bench for
 * the issue's ratios.
 * Run: `npx tsx --conditions corral-source bench/admission-inproc.bench.ts` (BENCH_REQUESTS per round,
 * default 5000; BENCH_ROUNDS, default 7; BENCH_ROWS, a comma list of rows to keep, e.g.
 * `noop /validate,admission /mutate`, default all).
 */
import { buildBenchApp, type BenchApp } from './admission-bench-apps.js';
import { benchReview } from './admission-bench-review.js';

const MUTATE_BODY = benchReview('/mutate');
const VALIDATE_BODY = benchReview('/validate');
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 5000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
const ALL_ROWS: [BenchApp, string][] = [
  ['noop', '/validate'],
  ['noop-patch', '/validate'],
  ['runtime-noop', '/validate'],
  ['admission', '/mutate'],
  ['admission', '/validate'],
];
const wanted = process.env['BENCH_ROWS']?.split(',').map((row) => row.trim());
const rows = ALL_ROWS.filter(([name, url]) => wanted === undefined || wanted.includes(`${name} ${url}`));

type App = Awaited<ReturnType<typeof buildBenchApp>>;

const send = (app: App, url: string) =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: url === '/mutate' ? MUTATE_BODY : VALIDATE_BODY,
  });

/** µs per request over one round of `REQUESTS` sequential requests. */
async function round(app: App, url: string): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i++) await send(app, url);
  return Number(process.hrtime.bigint() - started) / 1000 / REQUESTS;
}

const apps = new Map<BenchApp, App>();
for (const [name, url] of rows) {
  const app = apps.get(name) ?? (await buildBenchApp(name));
  apps.set(name, app);
  const first = await send(app, url);
  if (first.statusCode !== 200) throw new Error(`${name} ${url} answered ${first.statusCode}: ${first.body}`);
  await round(app, url); // warm-up
}
const times = rows.map(() => [] as number[]);
for (let r = 0; r < ROUNDS; r++) {
  for (const [index, [name, url]] of rows.entries()) {
    times[index]?.push(await round(apps.get(name) as App, url));
  }
}
for (const app of apps.values()) await app.close();

console.log(`${ROUNDS} rounds of ${REQUESTS} requests per row, one at a time through inject`);
console.log('row                        best µs  median µs');
for (const [index, [name, url]] of rows.entries()) {
  const sorted = [...(times[index] ?? [])].sort((a, b) => a - b);
  const best = sorted[0] ?? Number.NaN;
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  console.log(
    `${`${name} ${url}`.padEnd(26)} ${best.toFixed(1).padStart(8)} ${median.toFixed(1).padStart(10)}`,
  );
}
