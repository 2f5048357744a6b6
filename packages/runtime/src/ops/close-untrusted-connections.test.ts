import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination, type MemoryDestination } from '../log/memory-destination.js';
import { createMetrics } from '../metrics/create-metrics.js';
import {
  generateCa,
  generateSignedPair,
  type GeneratedCa,
  type GeneratedPair,
} from '../tls/__fixtures__/openssl.js';
import { generateIntermediateCa } from '../tls/__fixtures__/intermediate-ca.js';
import { buildServer, type CorralServer } from './build-server.js';
import { NO_LONGER_TRUSTED } from './close-untrusted-connections.js';
import { createReadiness } from './readiness.js';
import { CLIENT_CERTIFICATE_REQUIRED, requireClientCertificate } from './require-client-certificate.js';

let scratch: string;
let serverCa: GeneratedCa;
let oldClients: GeneratedCa;
let newClients: GeneratedCa;
let serving: GeneratedPair;
let client: GeneratedPair; // signed by oldClients
let viaIntermediate: GeneratedPair; // signed by an intermediate CA that oldClients signed
let intermediate: GeneratedCa;
let app: CorralServer | undefined;
const sockets: TLSSocket[] = [];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'corral-ca-cut-'));
  serverCa = generateCa(scratch, 'server');
  oldClients = generateCa(scratch, 'old-clients');
  newClients = generateCa(scratch, 'new-clients');
  serving = generateSignedPair(scratch, serverCa, 0x601, 'server');
  client = generateSignedPair(scratch, oldClients, 0x602, 'kube-scheduler', []);
  intermediate = generateIntermediateCa(scratch, oldClients, 'clients-intermediate');
  viaIntermediate = generateSignedPair(scratch, intermediate, 0x603, 'kube-scheduler', []);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.destroy());
  await app?.close();
  app = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Serves, over HTTPS with clients verified against a CA file holding `oldClients`, the guarded routes
 * POST /private (at once), GET /slow (after 600 ms) and GET /stream (its head at once, its end after
 * 600 ms).
 */
async function serve(): Promise<{ port: number; caFile: string; logs: MemoryDestination }> {
  const caFile = join(mkdtempSync(join(scratch, 'files-')), 'client-ca.crt');
  writeFileSync(caFile, oldClients.cert);
  const logs = memoryDestination();
  app = buildServer({
    logger: createLogger({ level: 'info', name: 'ca-cut-test', destination: logs.stream }),
    metrics: createMetrics({ service: 'ca-cut-test', processMetrics: false }),
    readiness: createReadiness().report,
    https: { certFile: serving.certFile, keyFile: serving.keyFile, clientCaFile: caFile, pollIntervalMs: 50 },
  });
  const guard = requireClientCertificate();
  const guarded = { onRequest: guard };
  app.post('/private', guarded, async () => ({ ok: true }));
  app.get('/slow', guarded, async () => {
    await sleep(600);
    return { slow: true };
  });
  app.get('/stream', guarded, (_request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/plain', 'content-length': '4' });
    reply.raw.write('do');
    setTimeout(() => reply.raw.end('ne'), 600);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { port: (app.server as { address(): AddressInfo }).address().port, caFile, logs };
}

/** Writes `pem` as the client CA and resolves once the server logged the reload. */
async function reloadCa(
  caFile: string,
  pem: Buffer,
  logs: MemoryDestination,
): Promise<Record<string, unknown>> {
  writeFileSync(caFile, pem);
  for (let waited = 0; waited < 5000; waited += 20) {
    const line = logs.lines.find((l) => l['msg'] === 'TLS client CA reloaded');
    if (line) return line;
    await sleep(20);
  }
  throw new Error('the client CA was not reloaded');
}

interface Answer {
  readonly status: number;
  readonly connection: string | undefined;
  readonly body: string;
}

/** A kept-alive TLS connection presenting `client`, speaking HTTP/1.1 by hand (pipelining allowed). */
class Connection {
  private text = '';
  private readonly waiting: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: TLSSocket) {
    socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString();
      this.waiting.splice(0).forEach((wake) => wake());
    });
    socket.on('error', () => undefined); // a reset is a close here
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => this.waiting.splice(0).forEach((wake) => wake()));
  }

  /** Presents `as` (default `client`), with `chain` after it (its intermediates). */
  static open(port: number, as: GeneratedPair = client, chain: readonly Buffer[] = []): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const cert = Buffer.concat([as.cert, ...chain]);
      const socket = connect({ host: '127.0.0.1', port, ca: serverCa.cert, cert, key: as.key });
      sockets.push(socket);
      socket.once('secureConnect', () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  send(method: string, path: string): void {
    this.socket.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`);
  }

  /** The next whole response, or undefined when the connection closes first. */
  async next(): Promise<Answer | undefined> {
    for (;;) {
      const answer = this.take();
      if (answer !== undefined) return answer;
      if (this.socket.destroyed || this.socket.readableEnded) return undefined;
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }

  private take(): Answer | undefined {
    const end = this.text.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...headerLines] = this.text.slice(0, end).split('\r\n');
    const headers = new Map(
      headerLines.map((line) => [
        line.slice(0, line.indexOf(':')).toLowerCase(),
        line.slice(line.indexOf(':') + 1).trim(),
      ]),
    );
    const length = Number(headers.get('content-length') ?? 0);
    if (this.text.length < end + 4 + length) return undefined;
    const body = this.text.slice(end + 4, end + 4 + length);
    this.text = this.text.slice(end + 4 + length);
    return { status: Number(statusLine.split(' ')[1]), connection: headers.get('connection'), body };
  }
}

describe('a client CA reload that no longer trusts a connected client', () => {
  it('given an idle kept-alive connection, closes it at once and logs how many it closed', async () => {
    const { port, caFile, logs } = await serve();
    const conn = await Connection.open(port);
    conn.send('POST', '/private');
    expect(await conn.next()).toMatchObject({ status: 200, connection: 'keep-alive', body: '{"ok":true}' });
    const reloaded = await reloadCa(caFile, newClients.cert, logs);
    expect(reloaded).toMatchObject({ untrustedConnectionsClosed: 1 });
    await conn.closed;
    expect(await conn.next()).toBeUndefined();
  });

  it('given a request in flight, answers it with Connection: close, then closes the connection', async () => {
    const { port, caFile, logs } = await serve();
    const conn = await Connection.open(port);
    conn.send('GET', '/slow');
    await sleep(150); // the request is in its handler
    await reloadCa(caFile, newClients.cert, logs);
    expect(await conn.next()).toEqual({ status: 200, connection: 'close', body: '{"slow":true}' });
    await conn.closed;
  });

  it('given a response already streaming, a request sent on the connection after the reload is refused 403, then it closes', async () => {
    const { port, caFile, logs } = await serve();
    const conn = await Connection.open(port);
    conn.send('GET', '/stream');
    await sleep(150); // the head is written
    await reloadCa(caFile, newClients.cert, logs);
    conn.send('POST', '/private');
    expect(await conn.next()).toMatchObject({ status: 200, body: 'done' });
    const refused = await conn.next();
    expect(refused?.status).toBe(403);
    expect(JSON.parse(refused?.body ?? '{}')).toEqual({
      error: 'Forbidden',
      statusCode: 403,
      message: `${CLIENT_CERTIFICATE_REQUIRED}: the client certificate is not signed by the client CA (${NO_LONGER_TRUSTED})`,
    });
    await conn.closed;
  });

  it('given a bundle that still holds the CA of the client, keeps serving its connection', async () => {
    const { port, caFile, logs } = await serve();
    const conn = await Connection.open(port);
    conn.send('POST', '/private');
    expect(await conn.next()).toMatchObject({ status: 200 });
    const both = Buffer.concat([newClients.cert, oldClients.cert]);
    expect(await reloadCa(caFile, both, logs)).toMatchObject({ untrustedConnectionsClosed: 0 });
    conn.send('POST', '/private');
    expect(await conn.next()).toMatchObject({ status: 200, connection: 'keep-alive', body: '{"ok":true}' });
  });

  it('given a client presenting an intermediate, checks the chain it sent against the new bundle', async () => {
    const { port, caFile, logs } = await serve();
    const trusted = await Connection.open(port, viaIntermediate, [intermediate.cert]);
    trusted.send('POST', '/private');
    expect(await trusted.next()).toMatchObject({ status: 200 });
    const both = Buffer.concat([newClients.cert, oldClients.cert]);
    expect(await reloadCa(caFile, both, logs)).toMatchObject({ untrustedConnectionsClosed: 0 });
    trusted.send('POST', '/private');
    expect(await trusted.next()).toMatchObject({ status: 200, connection: 'keep-alive' });
    logs.lines.splice(0);
    expect(await reloadCa(caFile, newClients.cert, logs)).toMatchObject({ untrustedConnectionsClosed: 1 });
    await trusted.closed;
  });

  it('given a new connection after the reload, TLS verifies it against the new bundle: 403', async () => {
    const { port, caFile, logs } = await serve();
    await reloadCa(caFile, newClients.cert, logs);
    const conn = await Connection.open(port);
    conn.send('POST', '/private');
    expect(await conn.next()).toMatchObject({ status: 403 });
  });
});
