/**
 * The servers bench/admission.bench.ts compares, built but not listening (the HTTPS bench runs each
 * in its own process; bench/admission-inproc.bench.ts drives them in one process with `inject`):
 * - `noop`: a bare fastify webhook that parses the review and allows it (the issue's baseline);
 * - `noop-cohort`: the same no-op, its answers made in cohorts as the admission service makes its
 *   reviews (plugins/admission/src/transport/cohort.ts): what cohorts alone do for a bare server;
 * - `noop-patch`: the same, answering with a fixed patch as long as /mutate's answer to the bench pod
 *   (the cost of the answer's size alone);
 * - `runtime-noop`: the no-op on @corral/runtime's buildServer (request logging, HTTP metrics, ops
 *   routes; its route declared quiet, as the admission service declares its webhooks), to separate
 *   the runtime's cost from the rules';
 * - `admission`: the real admission service with the examples' policies;
 * - `admission-inline`: the same, each review run as its request is read rather than with the other
 *   reviews read in the same turn of the event loop (`cohorts: false`; docs/adr/0020);
 * - `admission-empty`: the same service with no policy objects at all (no namespace, department or
 *   NamespacePolicy: every rule finds nothing to apply), so that it costs the webhook envelope,
 *   route schemas, metrics and answer without the rules' work.
 * BENCH_NOOP_SPIN_US makes the no-op handlers busy-wait that many µs per request (to measure what a µs
 * of handler time costs over HTTPS).
 * BENCH_POLICIES names another folder of policy YAML than examples/ for `admission`.
 * Corral's servers log at `info` (their default level; BENCH_LOG_LEVEL to change it), to /dev/null.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fastify, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildServer, createLogger, createMetrics, type LogLevel } from '@corral/runtime';
import { buildAdmissionServer, DEFAULT_RULE_SETTINGS } from '@corral/admission';
import { snapshotFromFiles } from '../plugins/admission/src/testing/example-snapshot.js';
import { Cohort } from '../plugins/admission/src/transport/cohort.js';

export const BENCH_APPS = [
  'noop',
  'noop-cohort',
  'noop-patch',
  'runtime-noop',
  'admission',
  'admission-inline',
  'admission-empty',
] as const;
export type BenchApp = (typeof BENCH_APPS)[number];

export interface BenchTls {
  readonly certFile: string;
  readonly keyFile: string;
}

const BODY_LIMIT = 3 * 1024 * 1024;

/** The no-op webhook's answer: allow, echoing the review's uid. */
function allowAll(review: unknown) {
  const body = review as { apiVersion: string; request: { uid: string } };
  return {
    apiVersion: body.apiVersion,
    kind: 'AdmissionReview',
    response: { uid: body.request.uid, allowed: true },
  };
}

/** A fixed JSONPatch as long as the admission service's answer to the bench pod (~1.4 KB of base64). */
const FIXED_PATCH = Buffer.from(
  JSON.stringify([{ op: 'add', path: '/metadata/annotations', value: { pad: 'x'.repeat(1000) } }]),
).toString('base64');

function allowWithPatch(review: unknown) {
  const out = allowAll(review);
  return { ...out, response: { ...out.response, patchType: 'JSONPatch', patch: FIXED_PATCH } };
}

/** Keeps the CPU busy for `ns` (BENCH_NOOP_SPIN_US: what a µs of handler time costs over HTTPS). */
function spin(ns: number): void {
  const start = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - start) < ns);
}

/** Given a bench app's name (and TLS files for HTTPS), returns it ready to listen or inject. */
export async function buildBenchApp(app: BenchApp, tls?: BenchTls): Promise<FastifyInstance> {
  // The services' default level unless BENCH_LOG_LEVEL says otherwise; lines go to /dev/null (through
  // the same asynchronous writer as stdout).
  const logger = createLogger({
    level: (process.env['BENCH_LOG_LEVEL'] ?? 'info') as LogLevel,
    name: 'bench',
    destination: pino.destination({ dest: '/dev/null', sync: false }),
  });
  if (app === 'noop' || app === 'noop-patch' || app === 'noop-cohort') {
    const https = tls ? { https: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } } : {};
    const server = fastify({ ...https, bodyLimit: BODY_LIMIT });
    const answer = app === 'noop-patch' ? allowWithPatch : allowAll;
    const spinNs = Number(process.env['BENCH_NOOP_SPIN_US'] ?? 0) * 1000;
    if (app === 'noop-cohort') {
      const cohort = new Cohort();
      server.post('/validate', (request) => cohort.run(() => answer(request.body)));
    } else {
      server.post('/validate', async (request) => {
        if (spinNs > 0) spin(spinNs);
        return answer(request.body);
      });
    }
    return server as unknown as FastifyInstance;
  }
  if (app === 'runtime-noop') {
    const server = buildServer({
      logger,
      metrics: createMetrics({ service: 'noop' }),
      readiness: () => ({ ready: true, reasons: [] }),
      ...(tls ? { https: tls } : {}),
      bodyLimit: BODY_LIMIT,
      quietRoutes: ['/validate'], // as a webhook service declares its webhooks
    });
    server.post('/validate', async (request) => allowAll(request.body));
    return server as unknown as FastifyInstance;
  }
  const { app: server } = buildAdmissionServer({
    snapshot: await snapshotFromFiles(
      app === 'admission-empty'
        ? mkdtempSync(join(tmpdir(), 'corral-none-'))
        : (process.env['BENCH_POLICIES'] ?? undefined),
    ),
    settings: DEFAULT_RULE_SETTINGS,
    logger,
    metrics: createMetrics({ service: 'admission' }),
    readiness: () => ({ ready: true, reasons: [] }),
    ...(tls ? { https: tls } : {}),
    deadlineMs: 8000,
    reservationTtlMs: 60_000,
    cohorts: app !== 'admission-inline',
  });
  return server as unknown as FastifyInstance;
}
