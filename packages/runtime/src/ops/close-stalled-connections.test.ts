import { mkdtempSync, rmSync } from 'node:fs';
import { get, request } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination, type MemoryDestination } from '../log/memory-destination.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { generatePair } from '../tls/__fixtures__/openssl.js';
import { buildServer, type BuildServerOptions, type CorralServer } from './build-server.js';
import { createReadiness } from './readiness.js';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'corral-stalled-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const clients: Socket[] = [];
afterEach(() => clients.splice(0).forEach((socket) => socket.destroy()));

async function serve(
  https?: BuildServerOptions['https'],
): Promise<{ app: CorralServer; port: number; logs: MemoryDestination }> {
  const logs = memoryDestination();
  const app = buildServer({
    logger: createLogger({ level: 'info', name: 'stalled-test', destination: logs.stream }),
    metrics: createMetrics({ service: 'stalled-test', processMetrics: false }),
    readiness: createReadiness().report,
    ...(https ? { https } : {}),
  });
  app.get('/slow', () => new Promise((resolve) => setTimeout(() => resolve('done'), 300)));
  // Longer than the grace given to bodies still arriving: a body that arrived is answered anyway.
  app.post(
    '/slow-echo',
    (request) => new Promise((resolve) => setTimeout(() => resolve(request.body), 1500)),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, port: (app.server as { address(): AddressInfo }).address().port, logs };
}

/** Opens a TCP connection, writes `bytes` (maybe none) and leaves it open; resolves once connected. */
function stalledClient(port: number, bytes: string): Promise<{ closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      if (bytes.length > 0) socket.write(bytes);
      resolve({ closed: new Promise((done) => socket.once('close', () => done())) });
    });
    socket.on('error', () => undefined); // a reset is as good as a close here
    socket.once('error', reject);
    clients.push(socket);
  });
}

const TRICKLED_HEAD =
  'POST /slow-echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":';

/**
 * Sends a POST whose body (1000 bytes announced) then arrives one byte every 50 ms, over TCP or,
 * with `tls`, TLS; resolves once the head is sent, with what the caller received when its connection
 * closed.
 */
function trickler(port: number, tls = false): Promise<{ received: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, rejectUnauthorized: false };
    const socket: Socket = tls ? tlsConnect(options) : connect(options);
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const closed = new Promise<string>((done) =>
      socket.once('close', () => {
        clearInterval(timer);
        done(received);
      }),
    );
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      socket.write(TRICKLED_HEAD);
      timer = setInterval(() => socket.write(' '), 50);
      resolve({ received: closed });
    });
    socket.on('error', () => undefined); // a reset is as good as a close here
    socket.once('error', reject);
    clients.push(socket);
  });
}

/** POSTs a whole JSON body to /slow-echo on a fresh connection. */
function postWhole(port: number, body: unknown) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/slow-echo',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      (res) => {
        let answer = '';
        res.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: answer }));
      },
    );
    req.on('error', reject).end(text);
  });
}

/** GETs `path` on a fresh connection (HTTP or, with `https.get`, HTTPS trusting any certificate). */
function fetchText(getter: typeof get | typeof httpsGet, port: number, path: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    getter({ host: '127.0.0.1', port, path, agent: false, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds `app.close()` takes, or 'hung' past `limitMs`. */
async function closeTime(app: CorralServer, limitMs = 3000): Promise<number | 'hung'> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), limitMs)));
  const result = await Promise.race([app.close().then(() => Date.now() - started), limit]);
  clearTimeout(timer);
  return result;
}

describe('buildServer on close, given connections that never sent a whole request', () => {
  // Node stops expiring slow requests once the server closes, and counts a connection as busy
  // from its first byte (or, fresh, from its accept): close() then waits for the client to go away.
  it('given a fresh connection and one halfway through its headers, closes them and finishes at once', async () => {
    const { app, port } = await serve();
    const silent = await stalledClient(port, '');
    const halfway = await stalledClient(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(await closeTime(app)).toBeLessThan(1000);
    await Promise.all([silent.closed, halfway.closed]);
  });

  it('given a connection that never starts its TLS handshake, answers the HTTPS request in flight, then closes it', async () => {
    const pair = generatePair(scratch, 0x301);
    const { app, port } = await serve({ certFile: pair.certFile, keyFile: pair.keyFile });
    const silent = await stalledClient(port, '');
    const answer = fetchText(httpsGet, port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 150)); // the request is in its handler
    const closing = closeTime(app);
    expect(await answer).toEqual({ status: 200, body: 'done' });
    expect(await closing).toBeLessThan(1000);
    await silent.closed;
  });

  it('given a request in flight as well, answers it first, then closes the stalled connection', async () => {
    const { app, port } = await serve();
    const halfway = await stalledClient(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const answer = fetchText(get, port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the request is in its handler
    const closing = closeTime(app);
    expect(await answer).toEqual({ status: 200, body: 'done' });
    expect(await closing).toBeLessThan(1000);
    await halfway.closed;
  });
});

describe('buildServer on close, given a request whose body is still arriving (a caller trickling it)', () => {
  // Node stops expiring slow requests once the server closes: a body sent one byte at a time held
  // close() (and the shutdown) until the caller stopped, or the shutdown deadline.
  it('given the trickle goes on past the grace, closes its connection unanswered; a request whose body arrived is answered', async () => {
    const { app, port, logs } = await serve();
    const trickle = await trickler(port);
    const whole = postWhole(port, { whole: true });
    await sleep(150); // both are dispatched; the second's body has arrived
    const closing = closeTime(app);
    expect(await closing).toBeLessThan(2500);
    expect(await trickle.received).toBe('');
    expect(await whole).toEqual({ status: 200, body: '{"whole":true}' });
    expect(logs.lines.filter((line) => line['level'] === 'warn')).toEqual([
      expect.objectContaining({
        connections: 1,
        graceMs: 1000,
        msg: 'server closing: closed the connections whose request body was still arriving, unanswered',
      }),
    ]);
  });

  it('given the trickle over TLS, closes it after the grace and finishes', async () => {
    const pair = generatePair(scratch, 0x302);
    const { app, port } = await serve({ certFile: pair.certFile, keyFile: pair.keyFile });
    const trickle = await trickler(port, true);
    await sleep(150);
    const took = await closeTime(app);
    expect(took).toBeGreaterThanOrEqual(900); // the grace: a body may still finish arriving
    expect(took).toBeLessThan(2000);
    expect(await trickle.received).toBe('');
  });
});
