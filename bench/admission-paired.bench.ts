/**
 * Admission webhook vs the bare no-op, loaded AT THE SAME TIME on ONE core (issue #5's throughput
 * ratio, measured so that this VM's speed swings cannot fall between the two rows): both servers run
 * pinned to CPU 1, each saturated by its own h2load (32 connections, on CPU 0). The kernel shares the
 * core between them, and whatever the VM does during the run it does to both, so each server's CPU
 * time per answered request (all threads, `process.cpuUsage`) is read over the same seconds, and
 * "cpu ratio" = no-op µs ÷ admission µs. Several rounds; the median is the reading.
 *
 * Run: `npx tsx --conditions corral-source bench/admission-paired.bench.ts` (needs h2load: `apt-get
 * install nghttp2-client`, and taskset). Knobs: BENCH_SECONDS per round (default 6), BENCH_ROUNDS
 * (default 5), BENCH_PATHS (default `/mutate,/validate`), BENCH_NODE_FLAGS (extra node flags for both
 * servers), BENCH_PAIR (default `noop,admission`: the baseline, then the server compared with it; e.g.
 * `noop,runtime-noop` for what @corral/runtime's server adds), BENCH_BASE_TREE (another checkout of
 * this repository, with its own node_modules, whose bench server runs the baseline: with
 * `BENCH_PAIR=admission,admission` it compares a change with the tree before it, both loaded at once).
 * BENCH_POLICIES (a folder of policy YAML for the admission servers instead of examples/, e.g. a copy
 * without quotas). The sequential bench (admission.bench.ts) gives the latency runs and per-server rows.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePair } from '../packages/runtime/src/tls/__fixtures__/openssl.js';
import { benchReview } from './admission-bench-review.js';
import { cpuMicrosOf, forkBenchServer, pin, stopServer } from './ask-child.js';
import { h2load, type LoadResult } from './h2load-client.js';
import { installed } from './installed.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 6);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const PATHS = (process.env['BENCH_PATHS'] ?? '/mutate,/validate').split(',');
const NODE_FLAGS = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter((flag) => flag !== '');
const [BASE = 'noop', SUBJECT = 'admission'] = (process.env['BENCH_PAIR'] ?? 'noop,admission').split(',');
const SERVER = fileURLToPath(new URL('./admission-bench-server.ts', import.meta.url));
const BASE_TREE = process.env['BENCH_BASE_TREE'];
const BASE_SERVER = BASE_TREE === undefined ? SERVER : join(BASE_TREE, 'bench', 'admission-bench-server.ts');
if (!(await installed('h2load')))
  throw new Error('h2load is not installed: `apt-get install nghttp2-client`');

interface Server {
  readonly name: string;
  readonly child: ChildProcess;
  readonly port: number;
  /** Scratch directory of this server's h2load (its body file and log). */
  readonly dir: string;
}

async function startServer(script: string, name: string, cert: string, key: string): Promise<Server> {
  const { child, ready } = await forkBenchServer<{ port: number }>(script, [name, cert, key], {
    nodeFlags: NODE_FLAGS,
    cpu: 1,
  });
  const { port } = ready;
  return { name, child, port, dir: mkdtempSync(join(tmpdir(), `corral-paired-${name}-`)) };
}

interface Side {
  readonly load: LoadResult;
  /** Server CPU µs per answered request over the round. */
  readonly cpuPerRequest: number;
}

/** Loads `server` at `path` with `body` for `seconds`, as fast as it answers. */
async function loadSide(server: Server, path: string, body: string, seconds: number): Promise<Side> {
  const before = await cpuMicrosOf(server.child);
  const load = await h2load({
    url: `https://127.0.0.1:${server.port}${path}`,
    body,
    connections: 32,
    seconds,
    dir: server.dir,
    wrap: ['taskset', '-c', '0'],
  });
  const after = await cpuMicrosOf(server.child);
  return { load, cpuPerRequest: (after - before) / Math.max(1, load.requests) };
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'corral-paired-'));
const { certFile, keyFile } = generatePair(dir, 78);
pin(process.pid, 0);
const base = await startServer(BASE_SERVER, BASE, certFile, keyFile);
const subject = await startServer(SERVER, SUBJECT, certFile, keyFile);
console.log(
  `both servers pinned to CPU 1 and loaded at once (h2load, 32 connections each, CPU 0); ${ROUNDS} ` +
    `rounds of ${SECONDS} s per path ${NODE_FLAGS.join(' ')}`,
);
console.log(`baseline ${BASE}${BASE_TREE ? ` of ${BASE_TREE}` : ''}, compared with it: ${SUBJECT}`);
console.log('path       round  base req/s  subject req/s  base µs/req  subject µs/req  cpu ratio  errors');
try {
  for (const path of PATHS) {
    // Only the admission services have /mutate; the no-op servers answer /validate.
    if (!SUBJECT.startsWith('admission') && path !== '/validate') continue;
    const basePath = BASE.startsWith('admission') ? path : '/validate';
    const baseBody = benchReview(basePath as '/mutate' | '/validate');
    const subjectBody = benchReview(path as '/mutate' | '/validate');
    // Warm-up: each alone, then together once.
    await loadSide(base, basePath, baseBody, 2);
    await loadSide(subject, path, subjectBody, 2);
    const ratios: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const [a, b] = await Promise.all([
        loadSide(base, basePath, baseBody, SECONDS),
        loadSide(subject, path, subjectBody, SECONDS),
      ]);
      if (round === 0) continue; // the shared warm-up
      const ratio = a.cpuPerRequest / b.cpuPerRequest;
      ratios.push(ratio);
      const errors = a.load.errors + a.load.non2xx + b.load.errors + b.load.non2xx;
      console.log(
        [
          path.padEnd(10),
          String(round).padStart(5),
          a.load.rps.toFixed(0).padStart(11),
          b.load.rps.toFixed(0).padStart(14),
          a.cpuPerRequest.toFixed(1).padStart(12),
          b.cpuPerRequest.toFixed(1).padStart(15),
          ratio.toFixed(2).padStart(10),
          String(errors).padStart(7),
        ].join(' '),
      );
    }
    console.log(
      `${path}: median cpu ratio ${median(ratios)?.toFixed(2)} (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)})`,
    );
  }
} finally {
  await stopServer(base.child);
  await stopServer(subject.child);
}
