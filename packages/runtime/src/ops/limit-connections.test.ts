import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { ConfigError } from '../errors.js';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { createMetrics, type Metrics } from '../metrics/create-metrics.js';
import { generatePair } from '../tls/__fixtures__/openssl.js';
import { buildServer, type BuildServerOptions, type CorralServer } from './build-server.js';
import { DEFAULT_MAX_CONNECTIONS } from './limit-connections.js';
import { createReadiness } from './readiness.js';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'corral-max-conn-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const clients: Socket[] = [];
let app: CorralServer | undefined;
afterEach(async () => {
  clients.splice(0).forEach((socket) => socket.destroy());
  await app?.close();
  app = undefined;
});

function options(metrics: Metrics, extra: Partial<BuildServerOptions> = {}): BuildServerOptions {
  return {
    logger: createLogger({ level: 'info', name: 'max-conn-test', destination: memoryDestination().stream }),
    metrics,
    readiness: createReadiness().report,
    ...extra,
  };
}

async function serve(extra: Partial<BuildServerOptions>): Promise<{ port: number; metrics: Metrics }> {
  const metrics = createMetrics({ service: 'max-conn-test', processMetrics: false });
  app = buildServer(options(metrics, extra));
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { port: (app.server as { address(): AddressInfo }).address().port, metrics };
}

interface Outcome {
  /** The status line of the answer to GET /healthz, or '' when the connection closed without one. */
  readonly status: string;
}

/**
 * Opens a connection (TLS with `tls`), asks GET /healthz keeping the connection open, and resolves
 * with the status line, or '' once the connection closes without an answer. The socket stays open.
 */
function ask(port: number, tls = false): Promise<Outcome> {
  return new Promise((resolve) => {
    const target = { host: '127.0.0.1', port, rejectUnauthorized: false };
    const socket: Socket = tls ? tlsConnect(target) : connect(target);
    clients.push(socket);
    let text = '';
    socket.once(tls ? 'secureConnect' : 'connect', () =>
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'),
    );
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\r\n')) resolve({ status: text.split('\r\n')[0] ?? '' });
    });
    socket.on('error', () => undefined); // a reset counts as closed
    socket.once('close', () => resolve({ status: text.split('\r\n')[0] ?? '' }));
  });
}

const dropped = async (metrics: Metrics) => (await metrics.httpConnectionsDropped.get()).values[0]?.value;

describe('buildServer with maxConnections', () => {
  it.each([
    ['HTTP', false],
    ['HTTPS', true],
  ])(
    'given %s and the limit held by open connections, closes one more unanswered and counts it; serves again once one closes',
    async (_kind, tls) => {
      const pair = tls ? generatePair(scratch, 0x501) : undefined;
      const { port, metrics } = await serve({
        maxConnections: 2,
        ...(pair ? { https: { certFile: pair.certFile, keyFile: pair.keyFile } } : {}),
      });
      expect(await ask(port, tls)).toEqual({ status: 'HTTP/1.1 200 OK' });
      expect(await ask(port, tls)).toEqual({ status: 'HTTP/1.1 200 OK' });
      expect(await ask(port, tls)).toEqual({ status: '' });
      expect(await dropped(metrics)).toBe(1);
      clients.shift()?.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50)); // the server sees the close
      expect(await ask(port, tls)).toEqual({ status: 'HTTP/1.1 200 OK' });
      expect(await dropped(metrics)).toBe(1);
    },
  );

  it('given no maxConnections, takes 1024 connections at most', async () => {
    await serve({});
    expect(DEFAULT_MAX_CONNECTIONS).toBe(1024);
    expect(app?.server.maxConnections).toBe(1024);
  });

  it.each([0, -1, 1.5, Number.NaN])('given maxConnections %s, throws a ConfigError', (max) => {
    const metrics = createMetrics({ service: 'max-conn-test', processMetrics: false });
    expect(() => buildServer(options(metrics, { maxConnections: max }))).toThrow(ConfigError);
    expect(() => buildServer(options(metrics, { maxConnections: max }))).toThrow(
      /maxConnections must be a whole number of at least 1/,
    );
  });
});
