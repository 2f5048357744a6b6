/**
 * Admission webhook benchmark (issue #5): pod CREATE with every rule active against the real HTTPS
 * server, beside a no-op fastify HTTPS webhook measured in the same run. Each server runs in its own
 * process; the load generator runs beside them. Run: `npx tsx --conditions corral-source
 * bench/admission.bench.ts`.
 *
 * Reports (1) max throughput with 32 connections, as a ratio to the no-op webhook, and (2) latency
 * percentiles at a fixed 2,000 requests/s.
 *
 * Knobs (environment): BENCH_SECONDS per run (default 8); BENCH_MODES, a comma list of servers to run
 * (default `noop,runtime-noop,admission`; ratios are against the last `noop` before each row);
 * BENCH_PATHS, the admission webhooks to load (default `/mutate,/validate`); BENCH_RATE, the fixed rate of the latency runs (default 2000; 0 skips them); BENCH_NODE_FLAGS, extra node flags for the servers (e.g.
 * `--max-semi-space-size=16`); BENCH_CPU_PROF=DIR writes each server's CPU profile there
 * (`node --cpu-prof`); BENCH_PIN=1 pins each server to CPU 1 and the load generator to CPU 0
 * (`taskset`); BENCH_CLIENT, the load generator: `h2load` (default; C, from Debian's nghttp2-client,
 * see bench/h2load-client.ts) or `autocannon` (Node, in this process).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { generatePair } from '../packages/runtime/src/tls/__fixtures__/openssl.js';
import { benchReview } from './admission-bench-review.js';
import { cpuMicrosOf, forkBenchServer, pin, stopServer } from './ask-child.js';
import { h2load } from './h2load-client.js';
import { installed } from './installed.js';

const DURATION = Number(process.env['BENCH_SECONDS'] ?? 8);
const SERVER = fileURLToPath(new URL('./admission-bench-server.ts', import.meta.url));
const MODES = (process.env['BENCH_MODES'] ?? 'noop,runtime-noop,admission').split(',');
const NODE_FLAGS = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter((flag) => flag !== '');
const CPU_PROF = process.env['BENCH_CPU_PROF'];
const PIN = process.env['BENCH_PIN'] === '1';
const RATE = Number(process.env['BENCH_RATE'] ?? 2000);
const ADMISSION_PATHS = (process.env['BENCH_PATHS'] ?? '/mutate,/validate').split(',');
const CLIENT = process.env['BENCH_CLIENT'] ?? 'h2load';
if (CLIENT !== 'h2load' && CLIENT !== 'autocannon')
  throw new Error(`BENCH_CLIENT must be h2load or autocannon, got "${CLIENT}"`);
if (CLIENT === 'h2load' && !(await installed('h2load')))
  throw new Error('h2load is not installed: `apt-get install nghttp2-client` (or BENCH_CLIENT=autocannon)');

async function startServer(
  mode: string,
  cert: string,
  key: string,
): Promise<{ child: ChildProcess; port: number }> {
  // One folder per server: the tsx loader thread writes a profile of its own beside the main thread.
  const profile = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(CPU_PROF, mode)}`] : [];
  const { child, ready } = await forkBenchServer<{ port: number }>(SERVER, [mode, cert, key], {
    nodeFlags: [...NODE_FLAGS, ...profile],
    ...(PIN ? { cpu: 1 } : {}),
  });
  return { child, port: ready.port };
}

interface Run {
  rps: number;
  /** Server CPU time per answered request, µs: what bounds throughput on one core, whatever the load. */
  cpuPerRequest: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function autocannonLoad(port: number, path: string, body: string, rate?: number) {
  const result = await autocannon({
    url: `https://127.0.0.1:${port}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: rate ? 16 : 32,
    duration: DURATION,
    ...(rate ? { overallRate: rate } : {}),
    // self-signed bench certificate
    ...({ tlsOptions: { rejectUnauthorized: false } } as object),
  });
  return {
    rps: result.requests.average,
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

async function load(
  child: ChildProcess,
  port: number,
  path: string,
  body: string,
  rate?: number,
): Promise<Run> {
  const cpuBefore = await cpuMicrosOf(child);
  const result =
    CLIENT === 'autocannon'
      ? await autocannonLoad(port, path, body, rate)
      : await h2load({
          url: `https://127.0.0.1:${port}${path}`,
          body,
          connections: rate ? 16 : 32,
          seconds: DURATION,
          ...(rate ? { rate } : {}),
          dir,
          ...(PIN ? { wrap: ['taskset', '-c', '0'] } : {}),
        });
  const cpuAfter = await cpuMicrosOf(child);
  const { requests, ...rest } = result;
  return { ...rest, cpuPerRequest: (cpuAfter - cpuBefore) / Math.max(1, requests) };
}

const dir = mkdtempSync(join(tmpdir(), 'corral-bench-'));
const pair = generatePair(dir, 77);
const { certFile: cert, keyFile: key } = pair;
process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';

const rows: { name: string; run: Run; ratio?: number; cpuRatio?: number }[] = [];
let baseline = Number.NaN; // the last bare no-op's max throughput
let baselineCpu = Number.NaN; // and its CPU time per request
if (PIN) pin(process.pid, 0);
for (const mode of MODES) {
  const { child, port } = await startServer(mode, cert, key);
  try {
    // The admission service (with or without cohorts) answers both webhooks; the others /validate.
    const both = mode === 'admission' || mode === 'admission-inline';
    const paths = both ? ADMISSION_PATHS : ['/validate'];
    for (const path of paths) {
      // Each webhook gets what the API server sends it (bench/admission-bench-review.ts); the no-op
      // servers get the /validate review (the larger of the two by a few hundred bytes).
      const body = benchReview(both ? path : '/validate');
      await load(child, port, path, body); // warm-up
      const max = await load(child, port, path, body);
      if (mode === 'noop') [baseline, baselineCpu] = [max.rps, max.cpuPerRequest];
      rows.push({
        name: `${mode} ${path} max`,
        run: max,
        ratio: max.rps / baseline,
        cpuRatio: baselineCpu / max.cpuPerRequest,
      });
      if (RATE > 0)
        rows.push({ name: `${mode} ${path} @${RATE}/s`, run: await load(child, port, path, body, RATE) });
    }
  } finally {
    await stopServer(child);
  }
}

console.log(
  `duration ${DURATION}s per run, server: 1 process${PIN ? ' pinned to CPU 1' : ''} ${NODE_FLAGS.join(' ')}, ${CLIENT} as the client`,
);
console.log(
  'run                          req/s   ratio  µs cpu/req  cpu ratio  p50 ms  p99 ms  errors non2xx',
);
const fixed = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(2));
for (const { name, run, ratio, cpuRatio } of rows) {
  console.log(
    [
      name.padEnd(28),
      run.rps.toFixed(0).padStart(5),
      fixed(ratio).padStart(7),
      run.cpuPerRequest.toFixed(1).padStart(11),
      fixed(cpuRatio).padStart(10),
      run.p50.toFixed(2).padStart(7),
      run.p99.toFixed(2).padStart(7),
      String(run.errors).padStart(7),
      String(run.non2xx).padStart(6),
    ].join(' '),
  );
}
