/**
 * The admission service's own CPU time per review, without TLS or sockets: each bench app (see
 * admission-bench-apps.ts) answers the bench review through fastify's `inject`, one request at a time,
 * in this one process. `inject` adds the same fixed cost to every app, so the differences between rows
 * are what the runtime's wrappers, the webhook envelope and the rules cost. Requests go to the apps
 * in turn, one each (app 1, app 2, ..., app 1, ...), each timed on its own, so that whatever slows the
 * machine meanwhile slows every row alike; each row reports the 25th percentile and the median of its
 * requests. Use it (with `node --cpu-prof`) to find and check wins, and the HTTPS benches for the
 * issue's ratios.
 * Run: `npx tsx --conditions corral-source bench/admission-inproc.bench.ts` (BENCH_REQUESTS per row,
 * default 15,000; BENCH_ROWS, a comma list of rows to keep, e.g. `noop /validate,admission /mutate`,
 * default all).
 */
import { buildBenchApp, type BenchApp } from './admission-bench-apps.js';
import { benchReview } from './admission-bench-review.js';

const MUTATE_BODY = benchReview('/mutate');
const VALIDATE_BODY = benchReview('/validate');
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 15_000);
const ALL_ROWS: [BenchApp, string][] = [
  ['noop', '/validate'],
  ['noop-patch', '/validate'],
  ['runtime-noop', '/validate'],
  ['admission-empty', '/validate'],
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

const apps = new Map<BenchApp, App>();
for (const [name, url] of rows) {
  const app = apps.get(name) ?? (await buildBenchApp(name));
  apps.set(name, app);
  const first = await send(app, url);
  if (first.statusCode !== 200) throw new Error(`${name} ${url} answered ${first.statusCode}: ${first.body}`);
  for (let i = 0; i < 3000; i++) await send(app, url); // warm-up
}
const times = rows.map(() => [] as number[]);
for (let i = 0; i < REQUESTS * rows.length; i++) {
  const index = i % rows.length;
  const [name, url] = rows[index] as [BenchApp, string];
  const started = process.hrtime.bigint();
  await send(apps.get(name) as App, url);
  times[index]?.push(Number(process.hrtime.bigint() - started) / 1000);
}
for (const app of apps.values()) await app.close();

console.log(`${REQUESTS} requests per row, one at a time through inject, rows in turn`);
console.log('row                          p25 µs  median µs');
for (const [index, [name, url]] of rows.entries()) {
  const sorted = [...(times[index] ?? [])].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.floor(sorted.length * q)] ?? Number.NaN;
  console.log(
    `${`${name} ${url}`.padEnd(28)} ${at(0.25).toFixed(1).padStart(7)} ${at(0.5).toFixed(1).padStart(10)}`,
  );
}
