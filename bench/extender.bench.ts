/**
 * Scheduler extender benchmark (issue #4): `npx tsx --conditions corral-source bench/extender.bench.ts`.
 *
 * Per pod, as kube-scheduler does in names-only mode (`nodeCacheCapable: true`): POST
 * /scheduler/filter with BENCH_SAMPLE node names (default 500, kube-scheduler's sample at 5,000
 * nodes), then POST /scheduler/prioritize with the names that passed (skipped when one or none
 * passed). Sequential, one keep-alive connection on loopback, one pod at a time as kube-scheduler's
 * scheduling cycle. Latency per pod = the filter round trip + the prioritize round trip (the
 * client's own parse of the filter answer in between is not counted).
 *
 * Two passes per server. First this process sends every pod (200 warm up, then the timed ones) and
 * learns which names pass each filter, i.e. each pod's prioritize body. Then, with BENCH_CLIENT=curl
 * (the default; `apt-get install curl`), curl (C) sends the timed pods' filter and prioritize
 * requests again in the same order, in one sequence over one keep-alive connection
 * (bench/curl-sequence.ts): its round trips and the server's CPU time over that pass are the ones
 * reported, the Node pass's p50/p99 beside them. The extender keeps nothing from one pod's request to
 * the next (no bind here), so the second pass asks exactly what the first did. BENCH_CLIENT=node
 * reports the Node pass alone (the method before the eighth session).
 *
 * Each server runs in its own process (bench/extender-bench-server.ts), this process is only the
 * client: the baseline (the same runtime server, routes returning their input unchanged), then the
 * extender over the synthesized cluster (bench/extender-bench-cluster.ts: 5,000 nodes, 100,000
 * pods), then the baseline again (drift check), all in the same run. Also reported: the server's
 * CPU time per pod, the pure decision time per pod (in the extender's process, no HTTP, no JSON).
 *
 * Knobs (environment): BENCH_SAMPLE, BENCH_CALLS (timed pods, default 2,000; 200 more warm up),
 * BENCH_NODE_FLAGS (extra node flags for the servers), BENCH_CPU_PROF=DIR (`node --cpu-prof` of each
 * server into DIR/<mode>), BENCH_PIN=1 (servers on CPU 1, the clients on CPU 0, with taskset; `same`: all on
 * CPU 1), BENCH_CLIENT (`curl` or `node`, above), BENCH_CLIENT_GC=0 (no young-generation GC of this
 * client between pods; by default one runs off the clock before each pod).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ask, cpuMicrosOf, forkBenchServer, pin, stopServer } from './ask-child.js';
import { curlSequence, type Post } from './curl-sequence.js';
import { installed } from './installed.js';
import { filterBodies, prioritizeBody } from './extender-bench-cluster.js';

const SAMPLE = Number(process.env['BENCH_SAMPLE'] ?? 500);
const CALLS = Number(process.env['BENCH_CALLS'] ?? 2_000);
const WARMUP = 200;
const SERVER = fileURLToPath(new URL('./extender-bench-server.ts', import.meta.url));
const NODE_FLAGS = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter((flag) => flag !== '');
const CPU_PROF = process.env['BENCH_CPU_PROF'];
const PIN = process.env['BENCH_PIN'] === '1' || process.env['BENCH_PIN'] === 'same';
/** BENCH_PIN=same: this client on the servers' CPU too (one pod at a time: they never run at once). */
const CLIENT_CPU = process.env['BENCH_PIN'] === 'same' ? 1 : 0;
/** Whose round trips count: curl's (default) or this process's. */
const CLIENT = process.env['BENCH_CLIENT'] ?? 'curl';
if (CLIENT !== 'curl' && CLIENT !== 'node')
  throw new Error(`BENCH_CLIENT must be curl or node, not ${CLIENT}`);
if (CLIENT === 'curl' && !(await installed('curl')))
  throw new Error('curl is not installed: `apt-get install curl` (or BENCH_CLIENT=node)');

/**
 * The client's own young-generation GC, run between pods (off the clock), so that a collection of
 * the client's garbage (it parses every answer) does not land inside a timed round trip: the
 * latencies are the servers'. BENCH_CLIENT_GC=0 turns it off.
 */
const clientGc: (() => void) | undefined = (() => {
  if (process.env['BENCH_CLIENT_GC'] === '0') return undefined;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options: { type: 'minor'; execution: 'sync' }) => void;
  return () => gc({ type: 'minor', execution: 'sync' });
})();

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  readonly loadMs?: number;
}

type Mode = 'extender' | 'baseline' | 'floor';

/** BENCH_FLOOR=1 adds a first row: the same echo on bare node:http, the machine's floor. */
const MODES: readonly Mode[] = [
  ...(process.env['BENCH_FLOOR'] === '1' ? (['floor'] as const) : []),
  'baseline',
  'extender',
  'baseline',
];

const LABELS: Record<Mode, string> = {
  floor: 'floor: node:http echo',
  baseline: 'baseline',
  extender: 'corral extender',
};

async function startServer(mode: Mode, run: number): Promise<Server> {
  const profile = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(CPU_PROF, `${mode}-${run}`)}`] : [];
  const { child, ready } = await forkBenchServer<{ port: number; loadMs?: number }>(SERVER, [mode], {
    nodeFlags: ['--expose-gc', ...NODE_FLAGS, ...profile],
    ...(PIN ? { cpu: 1 } : {}),
  });
  return { child, ...ready };
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One POST; resolves with the answer's text and the round trip in ms. */
function post(port: number, path: string, body: string): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - start) / 1e6;
          if (res.statusCode !== 200) return reject(new Error(`${path}: HTTP ${res.statusCode}`));
          resolve({ text: Buffer.concat(chunks).toString(), ms });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Stats {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  return { p50: at(50), p99: at(99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

interface Run extends Stats {
  readonly cpuMsPerPod: number;
  readonly refused: number;
  readonly answerBytes: number;
  /** With the curl client: the same pods' round trips timed by this (Node) process's pass. */
  readonly nodeClient?: Stats;
}

/** One pod's requests as sent: its filter body, and its prioritize body when more than one passed. */
interface PodRequests {
  readonly filter: string;
  readonly prioritize?: string;
}

/**
 * Every pod through this process's client: filter, then prioritize the passing names; timed after
 * WARMUP pods. Also gives each pod's prioritize body for the curl pass.
 */
async function nodePass(server: Server, bodies: readonly { body: string; pod: string }[]) {
  const times: number[] = [];
  const requests: PodRequests[] = [];
  let refused = 0;
  let answerBytes = 0;
  let cpuBefore = 0;
  for (const [i, { body, pod }] of bodies.entries()) {
    if (i === WARMUP) cpuBefore = await cpuMicrosOf(server.child);
    clientGc?.();
    const filtered = await post(server.port, '/scheduler/filter', body);
    const names = (JSON.parse(filtered.text) as { NodeNames: string[] | null }).NodeNames ?? [];
    let ms = filtered.ms;
    const prioritize = names.length > 1 ? prioritizeBody(pod, names) : undefined;
    if (prioritize !== undefined) ms += (await post(server.port, '/scheduler/prioritize', prioritize)).ms;
    requests.push(prioritize === undefined ? { filter: body } : { filter: body, prioritize });
    if (i < WARMUP) continue;
    times.push(ms);
    refused += SAMPLE - names.length;
    answerBytes += filtered.text.length;
  }
  const cpuAfter = await cpuMicrosOf(server.child);
  return {
    times,
    requests,
    cpuMsPerPod: (cpuAfter - cpuBefore) / 1000 / times.length,
    refused: refused / times.length,
    answerBytes: answerBytes / times.length,
  };
}

/** The timed pods again, sent by curl in one sequence over one connection: each pod's round trips. */
async function curlPass(server: Server, requests: readonly PodRequests[]) {
  const dir = mkdtempSync(join(tmpdir(), 'corral-extender-bench-'));
  try {
    const posts: Post[] = [];
    const podOf: number[] = [];
    requests.forEach(({ filter, prioritize }, pod) => {
      const url = (verb: string) => `http://127.0.0.1:${server.port}/scheduler/${verb}`;
      writeFileSync(join(dir, `f${pod}.json`), filter);
      posts.push({ url: url('filter'), bodyFile: join(dir, `f${pod}.json`) });
      podOf.push(pod);
      if (prioritize === undefined) return;
      writeFileSync(join(dir, `p${pod}.json`), prioritize);
      posts.push({ url: url('prioritize'), bodyFile: join(dir, `p${pod}.json`) });
      podOf.push(pod);
    });
    const cpuBefore = await cpuMicrosOf(server.child);
    const transfers = await curlSequence(posts, dir, PIN ? ['taskset', '-c', String(CLIENT_CPU)] : []);
    const cpuAfter = await cpuMicrosOf(server.child);
    const times = requests.map(() => 0);
    transfers.forEach(({ ms, status }, k) => {
      if (status !== 200) throw new Error(`${posts[k]?.url ?? ''}: HTTP ${status}`);
      const pod = podOf[k] ?? 0;
      times[pod] = (times[pod] ?? 0) + ms;
    });
    return { times, cpuMsPerPod: (cpuAfter - cpuBefore) / 1000 / requests.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A server's run: the Node pass, then (BENCH_CLIENT=curl, the default) the curl pass, whose times count. */
async function measure(server: Server, bodies: readonly { body: string; pod: string }[]): Promise<Run> {
  const node = await nodePass(server, bodies);
  const { refused, answerBytes } = node;
  if (CLIENT === 'node') return { ...stats(node.times), cpuMsPerPod: node.cpuMsPerPod, refused, answerBytes };
  const curl = await curlPass(server, node.requests.slice(WARMUP));
  return {
    ...stats(curl.times),
    cpuMsPerPod: curl.cpuMsPerPod,
    refused,
    answerBytes,
    nodeClient: stats(node.times),
  };
}

const ms = (n: number) => `${n.toFixed(3)} ms`;

/** The runs as a Markdown table, as docs/benchmarks.md shows them. */
function printTable(rows: readonly { label: string; run: Run }[]): void {
  const nodeColumn = CLIENT === 'curl' ? ' Node client p50 / p99 |' : '';
  console.log(`\nround trips timed by ${CLIENT === 'curl' ? 'curl' : 'this Node process'}`);
  console.log(
    `| | p50 | p99 | mean | server CPU per pod | refused of ${SAMPLE} | filter answer |${nodeColumn}`,
  );
  console.log(`|---|---|---|---|---|---|---|${CLIENT === 'curl' ? '---|' : ''}`);
  for (const { label, run } of rows) {
    const node = run.nodeClient ? ` ${ms(run.nodeClient.p50)} / ${ms(run.nodeClient.p99)} |` : '';
    console.log(
      `| ${label} | ${ms(run.p50)} | ${ms(run.p99)} | ${ms(run.mean)} | ${ms(run.cpuMsPerPod)} | ${run.refused.toFixed(0)} | ${(run.answerBytes / 1024).toFixed(1)} KiB |${node}`,
    );
  }
}

async function main(): Promise<void> {
  if (PIN) pin(process.pid, CLIENT_CPU);
  const bodies = filterBodies(CALLS + WARMUP, SAMPLE);
  console.log(
    `filter + prioritize per pod, names-only, ${SAMPLE} node names per call, ${CALLS} pods (+${WARMUP} warm-up), ` +
      `sequential on loopback; servers in their own processes ${NODE_FLAGS.join(' ')}`,
  );
  const rows: { label: string; run: Run }[] = [];
  let decided: Stats | undefined;
  let memory: NodeJS.MemoryUsage | undefined;
  let loadMs: number | undefined;
  for (const [run, mode] of MODES.entries()) {
    const server = await startServer(mode, run);
    try {
      const result = await measure(server, bodies);
      rows.push({
        label: mode === 'baseline' ? `baseline (run ${run + 1})` : LABELS[mode],
        run: result,
      });
      if (mode === 'extender') {
        loadMs = server.loadMs;
        decided = await ask<Stats>(
          server.child,
          { decide: { count: CALLS, sample: SAMPLE, warmup: WARMUP } },
          'decided',
        );
        memory = await ask<NodeJS.MemoryUsage>(server.child, 'memory', 'memory');
      }
    } finally {
      await stopServer(server.child);
    }
  }
  agent.destroy();
  printTable(rows);
  const [base, real, again] = rows.filter((row) => !row.label.startsWith('floor')).map((row) => row.run);
  if (base && real && again) {
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    console.log(
      `\nratio extender / baseline: p50 ${ratio(real.p50, base.p50)} (vs run 3: ${ratio(real.p50, again.p50)}), ` +
        `p99 ${ratio(real.p99, base.p99)} (vs run 3: ${ratio(real.p99, again.p99)}), ` +
        `server CPU ${ratio(real.cpuMsPerPod, base.cpuMsPerPod)}`,
    );
  }
  if (decided)
    console.log(
      `pure decision per pod: p50 ${ms(decided.p50)}, p99 ${ms(decided.p99)}, mean ${ms(decided.mean)}`,
    );
  if (memory && loadMs !== undefined)
    console.log(
      `extender process (tsx, in-process load in ${loadMs.toFixed(0)} ms): RSS ${(memory.rss / 2 ** 20).toFixed(0)} MiB, ` +
        `heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB after the run and a GC (memory goal: bench/extender-memory.bench.ts)`,
    );
}

await main();
