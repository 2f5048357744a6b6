/**
 * One server of bench/extender.bench.ts, in its own process: `extender` (the real extender over the
 * synthesized 5,000-node, 100,000-pod snapshot), `baseline` (the same runtime server with routes
 * that return their input names unchanged) or `floor` (those answers from bare node:http). Sends `{port}` to the parent over IPC once listening;
 * answers `cpu` (its CPU time, µs), `memory` (after a forced GC, when run with --expose-gc),
 * `{decide}` (the pure decision time per pod, no HTTP and no JSON) and exits on `stop`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SnapshotStore } from '@corral/cluster';
import { buildServer, createLogger, createMetrics, createReadiness } from '@corral/runtime';
import { buildExtender } from '../plugins/scheduler-extender/src/index.js';
import { clusterObjects, filterBodies, NODES, podsOfNode } from './extender-bench-cluster.js';

const mode = process.argv[2];
if (mode !== 'extender' && mode !== 'baseline' && mode !== 'floor')
  throw new Error(`unknown bench server "${mode}"`);

const TEN_MIB = 10 * 1024 * 1024;
const logger = createLogger({ level: 'silent', name: 'bench' });

/** Loads the synthesized cluster, the pods in pages of 25 nodes (as an informer's LIST pages). */
function loadCluster(): { store: SnapshotStore; loadMs: number } {
  const start = process.hrtime.bigint();
  const store = new SnapshotStore();
  for (const { kind, items } of clusterObjects()) store.replaceAll(kind as 'Node', items, 'bench');
  const session = store.beginReplace('Pod', 'bench');
  for (let i = 0; i < NODES; i += 25)
    session.page(Array.from({ length: 25 }, (_, k) => podsOfNode(i + k)).flat());
  session.end();
  return { store, loadMs: Number(process.hrtime.bigint() - start) / 1e6 };
}

function baselineServer() {
  const app = buildServer({
    logger,
    metrics: createMetrics({ service: 'baseline', processMetrics: false }),
    readiness: createReadiness().report,
    bodyLimit: TEN_MIB,
  });
  app.post('/scheduler/filter', async (req) => {
    const names = (req.body as { NodeNames: string[] }).NodeNames;
    return { Nodes: null, NodeNames: names, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: '' };
  });
  app.post('/scheduler/prioritize', async (req) =>
    (req.body as { NodeNames: string[] }).NodeNames.map((Host) => ({ Host, Score: 0 })),
  );
  return app;
}

/** The floor: the baseline's answers from bare node:http (no fastify, no runtime, no schema). */
function floorServer(): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const names = (JSON.parse(Buffer.concat(chunks).toString()) as { NodeNames: string[] }).NodeNames;
      const answer =
        req.url === '/scheduler/filter'
          ? { Nodes: null, NodeNames: names, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: '' }
          : names.map((Host) => ({ Host, Score: 0 }));
      const text = JSON.stringify(answer);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
}

const loaded = mode === 'extender' ? loadCluster() : undefined;
const extender = loaded ? buildExtender({ snapshot: loaded.store, logger }) : undefined;
if (mode === 'floor') {
  const server = floorServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send?.({ port: (server.address() as AddressInfo).port });
} else {
  const app = extender?.app ?? baselineServer();
  await app.listen({ host: '127.0.0.1', port: 0 });
  process.send?.({ port: (app.server.address() as AddressInfo).port, loadMs: loaded?.loadMs });
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** filter + prioritize through the handlers on parsed bodies, as the HTTP run does per pod. */
function decide(count: number, sample: number, warmup: number) {
  if (!extender) return undefined;
  const bodies = filterBodies(count + warmup, sample).map(({ body }) => JSON.parse(body) as { Pod: unknown });
  const times = new Float64Array(count);
  bodies.forEach((body, i) => {
    const start = process.hrtime.bigint();
    const names = extender.handlers.filter(body).body.NodeNames ?? [];
    if (names.length > 1) extender.handlers.prioritize({ Pod: body.Pod, Nodes: null, NodeNames: names });
    if (i >= warmup) times[i - warmup] = Number(process.hrtime.bigint() - start) / 1e6;
  });
  times.sort();
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    mean: times.reduce((a, b) => a + b, 0) / count,
  };
}

process.on('message', (message: unknown) => {
  if (message === 'stop') process.exit(0);
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicros: user + system });
  }
  if (message === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ memory: process.memoryUsage() });
  }
  const ask = message as { decide?: { count: number; sample: number; warmup: number } };
  if (ask.decide) process.send?.({ decided: decide(ask.decide.count, ask.decide.sample, ask.decide.warmup) });
});
