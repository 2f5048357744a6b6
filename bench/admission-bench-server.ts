/**
 * One server for bench/admission.bench.ts, run in its own process (one core): `admission` is the real
 * admission service over HTTPS with the examples' policies; `noop` is a bare fastify HTTPS webhook that
 * parses the review and allows it; `runtime-noop` is the same no-op on @corral/runtime's buildServer
 * (request logging, HTTP metrics, ops routes), to separate the runtime's cost from the rules'.
 * Prints nothing; sends its port to the parent over IPC.
 */
import { readFileSync } from 'node:fs';
import { fastify } from 'fastify';
import { buildServer, createLogger, createMetrics } from '@corral/runtime';
import { buildAdmissionServer, DEFAULT_RULE_SETTINGS } from '@corral/admission';
import { snapshotFromFiles } from '../plugins/admission/src/testing/example-snapshot.js';

const [mode, certFile = '', keyFile = ''] = process.argv.slice(2);

/** The no-op webhook's answer: allow, echoing the review's uid. */
function allowAll(review: unknown) {
  const body = review as { apiVersion: string; request: { uid: string } };
  return {
    apiVersion: body.apiVersion,
    kind: 'AdmissionReview',
    response: { uid: body.request.uid, allowed: true },
  };
}

async function start(): Promise<number> {
  if (mode === 'noop') {
    const app = fastify({
      https: { cert: readFileSync(certFile), key: readFileSync(keyFile) },
      bodyLimit: 3 * 1024 * 1024,
    });
    app.post('/validate', async (request) => allowAll(request.body));
    await app.listen({ host: '127.0.0.1', port: 0 });
    return (app.server.address() as { port: number }).port;
  }
  if (mode === 'runtime-noop') {
    const app = buildServer({
      logger: createLogger({ level: 'warn', name: 'bench' }),
      metrics: createMetrics({ service: 'noop' }),
      readiness: () => ({ ready: true, reasons: [] }),
      https: { certFile, keyFile },
      bodyLimit: 3 * 1024 * 1024,
    });
    app.post('/validate', async (request) => allowAll(request.body));
    await app.listen({ host: '127.0.0.1', port: 0 });
    return (app.server.address() as { port: number }).port;
  }
  const { app } = buildAdmissionServer({
    snapshot: await snapshotFromFiles(),
    settings: DEFAULT_RULE_SETTINGS,
    logger: createLogger({ level: 'warn', name: 'bench' }),
    metrics: createMetrics({ service: 'admission' }),
    readiness: () => ({ ready: true, reasons: [] }),
    https: { certFile, keyFile },
    deadlineMs: 8000,
    reservationTtlMs: 60_000,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

const port = await start();
process.send?.({ port });
