/**
 * Scheduler extender benchmark: `npx tsx bench/extender.bench.ts` (NODE_OPTIONS=--expose-gc for a
 * steadier RSS). Synthesizes 5,000 nodes and 100,000 pods into a SnapshotStore, then measures, for a
 * stream of pods, filter + prioritize in names-only mode (500 sampled node names per call, what
 * kube-scheduler sends at 5,000 nodes) through the real HTTP server on loopback, against a baseline
 * extender (a route on the same runtime server that returns its input names unchanged), in the same
 * run; plus the pure decision time per pod. Results: docs/benchmarks.md.
 */
import { request, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  rawDepartment,
  rawNamespace,
  rawNamespacePolicy,
  rawNode,
  rawPod,
  SnapshotStore,
} from '@corral/cluster';
import { buildServer, createLogger, createMetrics, createReadiness } from '@corral/runtime';
import { buildExtender } from '../plugins/scheduler-extender/src/index.js';

const NODES = 5_000;
const PODS_PER_NODE = 20;
const SAMPLE = Number(process.env['BENCH_SAMPLE'] ?? 500);
const CALLS = Number(process.env['BENCH_CALLS'] ?? 2_000);
const WARMUP = 200;

let seed = 7;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pickIndex = (n: number) => Math.floor(random() * n);

// d0 is dedicated (nodes 0..499); d1..d9 are shared; each department has 3 namespaces.
const departments = Array.from({ length: 10 }, (_, i) => `d${i}`);
const namespacesOf = (d: number) => [0, 1, 2].map((k) => `d${d}-ns${k}`);
const nodeName = (i: number) => `node-${String(i).padStart(4, '0')}`;

function nodeObject(i: number): Record<string, unknown> {
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': nodeName(i),
    'topology.kubernetes.io/zone': `z${i % 3}`,
  };
  if (i < 500) labels['corral.dev/department'] = 'd0';
  const gpu = i >= 500 && i < 750;
  if (gpu) labels['corral.dev/role'] = 'gpu';
  if (i >= 750 && i < 850) labels['corral.dev/role'] = 'gateway';
  return rawNode(nodeName(i), {
    labels,
    allocatable: { cpu: '64', memory: '256Gi', pods: '110', ...(gpu ? { 'nvidia.com/gpu': '8' } : {}) },
  });
}

/** The department whose pods run on node i (shared nodes each hold one department, as the rules demand). */
const departmentOnNode = (i: number) => (i < 500 ? 0 : 1 + (i % 9));

function load(store: SnapshotStore): void {
  store.replaceAll(
    'Namespace',
    departments.flatMap((d, i) =>
      namespacesOf(i).map((ns) => rawNamespace(ns, { 'corral.dev/department': d })),
    ),
    'bench',
  );
  store.replaceAll(
    'Department',
    departments.map((d, i) => rawDepartment(d, { nodeIsolation: i === 0 ? 'dedicated' : 'shared' })),
    'bench',
  );
  const spread = { spread: [{ labelKey: 'app', topologyKey: 'kubernetes.io/hostname', maxPerDomain: 3 }] };
  store.replaceAll(
    'NamespacePolicy',
    departments.flatMap((_, i) =>
      namespacesOf(i).map((ns) => rawNamespacePolicy(ns, 'policy', { scheduling: spread })),
    ),
    'bench',
  );
  store.replaceAll(
    'Node',
    Array.from({ length: NODES }, (_, i) => nodeObject(i)),
    'bench',
  );
  const pods: Record<string, unknown>[] = [];
  for (let i = 0; i < NODES; i++) {
    const namespaces = namespacesOf(departmentOnNode(i));
    const gpu = i >= 500 && i < 750;
    for (let k = 0; k < PODS_PER_NODE; k++) {
      pods.push(
        rawPod(namespaces[k % 3] ?? '', `p-${i}-${k}`, {
          nodeName: nodeName(i),
          labels: { app: `app-${(i + k) % 200}` },
          requests: gpu && k < 4 ? { cpu: '1', 'nvidia.com/gpu': '1' } : { cpu: '100m', memory: '128Mi' },
        }),
      );
    }
  }
  store.replaceAll('Pod', pods, 'bench');
}

function requestBody(): string {
  const d = 1 + pickIndex(9);
  const names = new Set<string>();
  while (names.size < SAMPLE) names.add(nodeName(pickIndex(NODES)));
  const pod = rawPod(namespacesOf(d)[pickIndex(3)] ?? '', `new-${pickIndex(1e9)}`, {
    phase: 'Pending',
    labels: { app: `app-${pickIndex(200)}` },
    requests: { cpu: '250m' },
  });
  delete (pod as { apiVersion?: string }).apiVersion;
  delete (pod as { kind?: string }).kind;
  return JSON.stringify({ Pod: pod, Nodes: null, NodeNames: [...names] });
}

function prioritizeBody(filterBody: string, names: readonly string[]): string {
  const { Pod } = JSON.parse(filterBody) as { Pod: unknown };
  return JSON.stringify({ Pod, Nodes: null, NodeNames: names });
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function post(port: number, path: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
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
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Buffer.concat(chunks).toString())
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(label: string, bodies: readonly string[], once: (body: string) => Promise<void>) {
  for (const body of bodies.slice(0, WARMUP)) await once(body);
  const times: number[] = [];
  for (const body of bodies.slice(WARMUP)) {
    const start = process.hrtime.bigint();
    await once(body);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const result = {
    label,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
  };
  console.log(
    `${label.padEnd(44)} p50 ${result.p50.toFixed(3)} ms  p99 ${result.p99.toFixed(3)} ms  mean ${result.mean.toFixed(3)} ms`,
  );
  return result;
}

const gc = (globalThis as { gc?: () => void }).gc;
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  gc?.();
  const rssBefore = process.memoryUsage().rss;
  const store = new SnapshotStore();
  const loadStart = process.hrtime.bigint();
  load(store);
  const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
  gc?.();
  const rssLoaded = process.memoryUsage().rss;
  console.log(
    `loaded ${NODES} nodes, ${NODES * PODS_PER_NODE} pods in ${loadMs.toFixed(0)} ms; RSS ${mib(rssBefore)} MiB before, ${mib(rssLoaded)} MiB after load (heap ${mib(process.memoryUsage().heapUsed)} MiB)`,
  );

  const logger = createLogger({ level: 'silent', name: 'bench' });
  const extender = buildExtender({ snapshot: store, logger });
  await extender.app.listen({ host: '127.0.0.1', port: 0 });
  const baseline = buildServer({
    logger,
    metrics: createMetrics({ service: 'baseline', processMetrics: false }),
    readiness: createReadiness().report,
    bodyLimit: 10 * 1024 * 1024,
  });
  baseline.post('/scheduler/filter', async (req) => {
    const names = (req.body as { NodeNames: string[] }).NodeNames;
    return { Nodes: null, NodeNames: names, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: '' };
  });
  baseline.post('/scheduler/prioritize', async (req) =>
    (req.body as { NodeNames: string[] }).NodeNames.map((Host) => ({ Host, Score: 0 })),
  );
  await baseline.listen({ host: '127.0.0.1', port: 0 });
  const portOf = (server: { server: { address(): unknown } }) =>
    (server.server.address() as AddressInfo).port;

  const bodies = Array.from({ length: CALLS + WARMUP }, requestBody);
  // As kube-scheduler does: prioritize gets only the nodes that passed filter.
  const call = (port: number) => async (body: string) => {
    const filtered = await post(port, '/scheduler/filter', body);
    const names = (JSON.parse(filtered) as { NodeNames: string[] }).NodeNames;
    if (names.length > 1) await post(port, '/scheduler/prioritize', prioritizeBody(body, names));
  };
  console.log(
    `\nfilter + prioritize per pod, names-only, ${SAMPLE} node names per call, ${CALLS} pods, sequential on loopback:`,
  );
  const base = await measure('baseline (returns input unchanged)', bodies, call(portOf(baseline)));
  const real = await measure('corral extender (4 rules + 3 scores)', bodies, call(portOf(extender.app)));
  const base2 = await measure('baseline again (drift check)', bodies, call(portOf(baseline)));
  console.log(
    `ratio extender/baseline: p50 ${(real.p50 / base.p50).toFixed(2)}x  p99 ${(real.p99 / base.p99).toFixed(2)}x (baseline drift p99 ${(base2.p99 / base.p99).toFixed(2)}x)`,
  );
  let refused = 0;
  for (const body of bodies)
    refused += SAMPLE - (extender.handlers.filter(JSON.parse(body)).body.NodeNames?.length ?? 0);
  console.log(
    `extender refused ${(refused / bodies.length).toFixed(0)} of ${SAMPLE} nodes per pod on average`,
  );

  const parsed = bodies.map((b) => JSON.parse(b) as unknown);
  console.log('\npure decision per pod (no HTTP, no JSON):');
  let i = 0;
  await measure('handlers.filter + handlers.prioritize', parsed.map(String), async () => {
    const body = parsed[i++ % parsed.length] as { Pod: unknown };
    const names = extender.handlers.filter(body).body.NodeNames ?? [];
    if (names.length > 1) extender.handlers.prioritize({ Pod: body.Pod, NodeNames: names });
  });
  gc?.();
  console.log(`\nRSS at the end: ${mib(process.memoryUsage().rss)} MiB`);
  await extender.close();
  await baseline.close();
  agent.destroy();
}

await main();
