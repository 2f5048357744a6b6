import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination, type MemoryDestination } from '../log/memory-destination.js';
import { createMetrics, type Metrics } from '../metrics/create-metrics.js';
import {
  generateCa,
  generateSignedPair,
  type GeneratedCa,
  type GeneratedPair,
} from '../tls/__fixtures__/openssl.js';
import { buildServer, type CorralServer } from './build-server.js';
import { createReadiness } from './readiness.js';
import { CLIENT_CERTIFICATE_REQUIRED, requireClientCertificate } from './require-client-certificate.js';

let scratch: string;
let serverCa: GeneratedCa;
let clientCa: GeneratedCa;
let otherCa: GeneratedCa;
let serving: GeneratedPair;
let scheduler: GeneratedPair; // CN kube-scheduler, signed by clientCa
let someone: GeneratedPair; // CN someone, signed by clientCa
let stranger: GeneratedPair; // CN kube-scheduler, signed by otherCa
let app: CorralServer | undefined;
let logs: MemoryDestination;
let metrics: Metrics;
let now: number;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'corral-mtls-'));
  serverCa = generateCa(scratch, 'server');
  clientCa = generateCa(scratch, 'clients');
  otherCa = generateCa(scratch, 'other');
  serving = generateSignedPair(scratch, serverCa, 0x301, 'server');
  scheduler = generateSignedPair(scratch, clientCa, 0x302, 'kube-scheduler', []);
  someone = generateSignedPair(scratch, clientCa, 0x303, 'someone', ['DNS:someone.example']);
  stranger = generateSignedPair(scratch, otherCa, 0x304, 'kube-scheduler', []);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Serves /private (guarded) and the ops routes over HTTPS, clients verified against `caFile`. */
async function serve(caFile: string, requiredName?: string): Promise<number> {
  logs = memoryDestination();
  metrics = createMetrics({ service: 'mtls-test', processMetrics: false });
  now = 0;
  app = buildServer({
    logger: createLogger({ level: 'debug', name: 'mtls-test', destination: logs.stream }),
    metrics,
    readiness: createReadiness().report,
    https: {
      certFile: serving.certFile,
      keyFile: serving.keyFile,
      clientCaFile: caFile,
      pollIntervalMs: 100,
    },
  });
  const guard = requireClientCertificate({ ...(requiredName ? { requiredName } : {}), now: () => now });
  app.post('/private', { onRequest: (req, reply) => guard(req, reply) }, async () => ({ ok: true }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return address.port;
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A fresh connection (no reuse), verifying the server, presenting `client` if given. */
function call(port: number, path: string, client?: GeneratedPair): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: path === '/private' ? 'POST' : 'GET',
        ca: serverCa.cert,
        agent: false,
        ...(client ? { cert: client.cert, key: client.key } : {}),
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          const json = text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text };
          resolve({ status: res.statusCode ?? 0, body: json });
        });
      },
    );
    req.on('error', reject).end();
  });
}

const refusals = () => logs.lines.filter((l) => String(l['msg']).startsWith('request refused'));

describe('requireClientCertificate on a server with a client CA', () => {
  it('given a certificate the client CA signed, answers; without one, 403 on the route but the ops routes answer', async () => {
    const port = await serve(clientCa.certFile);
    expect(await call(port, '/private', scheduler)).toEqual({ status: 200, body: { ok: true } });
    expect(await call(port, '/private')).toEqual({
      status: 403,
      body: {
        error: 'Forbidden',
        statusCode: 403,
        message: `${CLIENT_CERTIFICATE_REQUIRED}: no client certificate was presented`,
      },
    });
    for (const path of ['/healthz', '/readyz', '/metrics']) expect((await call(port, path)).status).toBe(200);
  });

  it('given a certificate of another CA, completes the handshake and answers 403', async () => {
    const port = await serve(clientCa.certFile);
    const answer = await call(port, '/private', stranger);
    expect(answer.status).toBe(403);
    expect(answer.body['message']).toMatch(/the client certificate is not signed by the client CA \(\w+\)/);
  });

  it('given a required name, accepts the certificate carrying it (CN) and refuses another the CA signed', async () => {
    const port = await serve(clientCa.certFile, 'kube-scheduler');
    expect((await call(port, '/private', scheduler)).status).toBe(200);
    const answer = await call(port, '/private', someone);
    expect(answer.status).toBe(403);
    expect(answer.body['message']).toBe(
      `${CLIENT_CERTIFICATE_REQUIRED}: the client certificate does not name kube-scheduler ` +
        '(CN or DNS/URI subjectAltName; it names someone, someone.example)',
    );
  });

  it('given repeated refusals from one peer, warns once per minute with the count held back, and counts each 403', async () => {
    const port = await serve(clientCa.certFile);
    for (let i = 0; i < 3; i += 1) expect((await call(port, '/private')).status).toBe(403);
    expect(refusals()).toEqual([
      expect.objectContaining({
        level: 'warn',
        peer: '127.0.0.1',
        url: '/private',
        problem: 'no client certificate was presented',
        refusedSinceLastWarning: 0,
      }),
    ]);
    now += 60_000;
    expect((await call(port, '/private')).status).toBe(403);
    expect(refusals().map((l) => l['refusedSinceLastWarning'])).toEqual([0, 2]);
    // The request lines of refused calls are at debug: no warn line per call.
    const lines = logs.lines.filter((l) => l['msg'] === 'request completed' && l['statusCode'] === 403);
    expect(lines.map((l) => l['level'])).toEqual(['debug', 'debug', 'debug', 'debug']);
    const series = (await metrics.httpRequestDuration.get()).values.filter(
      (v) => v.metricName?.endsWith('_count') && v.labels['route'] === '/private',
    );
    expect(series.map((v) => [v.labels['status_code'], v.value])).toEqual([['403', 4]]);
  });

  it('given the client CA rotated on disk, verifies new clients against the new one; a broken file keeps it', async () => {
    const caFile = join(mkdtempSync(join(scratch, 'ca-')), 'ca.crt');
    writeFileSync(caFile, clientCa.cert);
    const port = await serve(caFile);
    expect((await call(port, '/private', stranger)).status).toBe(403);

    writeFileSync(caFile, otherCa.cert);
    await vi.waitFor(async () => expect((await call(port, '/private', stranger)).status).toBe(200), {
      timeout: 5000,
      interval: 50,
    });
    expect((await call(port, '/private', scheduler)).status).toBe(403);
    expect(logs.lines.some((l) => l['msg'] === 'TLS client CA reloaded')).toBe(true);
    expect(logs.lines.some((l) => l['msg'] === 'TLS certificate reloaded')).toBe(false);

    writeFileSync(caFile, 'not a CA');
    await vi.waitFor(
      () =>
        expect(logs.lines.filter((l) => String(l['msg']).startsWith('new TLS client CA rejected'))).toEqual([
          expect.objectContaining({
            level: 'error',
            err: expect.objectContaining({ code: 'RUNTIME_ERR_TLS_CLIENT_CA' }),
          }),
        ]),
      { timeout: 5000, interval: 50 },
    );
    expect((await call(port, '/private', stranger)).status).toBe(200);
    expect((await call(port, '/healthz', serving)).status).toBe(200);
  });

  it('given a client CA file that does not hold a certificate, refuses to build the server', () => {
    const caFile = join(mkdtempSync(join(scratch, 'bad-')), 'ca.crt');
    writeFileSync(caFile, 'nothing');
    expect(() =>
      buildServer({
        logger: createLogger({ level: 'silent', name: 'x' }),
        metrics: createMetrics({ service: 'x', processMetrics: false }),
        readiness: createReadiness().report,
        https: { certFile: serving.certFile, keyFile: serving.keyFile, clientCaFile: caFile },
      }),
    ).toThrow(`client CA ${caFile} holds no PEM certificate`);
  });
});
