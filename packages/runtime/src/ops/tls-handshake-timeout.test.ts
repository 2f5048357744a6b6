import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { generatePair } from '../tls/__fixtures__/openssl.js';
import { buildServer, type CorralServer } from './build-server.js';
import { createReadiness } from './readiness.js';

let scratch: string;
let app: CorralServer | undefined;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'corral-handshake-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Resolves with how long the server kept a TCP connection that never sent a byte, or 'open' at `limitMs`. */
function silentConnectionLifetime(port: number, limitMs: number): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const limit = setTimeout(() => {
      socket.destroy();
      resolve('open');
    }, limitMs);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(limit);
      resolve(Date.now() - started);
    });
  });
}

describe('buildServer over HTTPS, given a client that never starts its TLS handshake', () => {
  it('drops the connection after the request timeout (not TLS’s own 120 s)', async () => {
    const pair = generatePair(scratch, 0x401);
    app = buildServer({
      logger: createLogger({
        level: 'info',
        name: 'handshake-test',
        destination: memoryDestination().stream,
      }),
      metrics: createMetrics({ service: 'handshake-test', processMetrics: false }),
      readiness: createReadiness().report,
      requestTimeoutMs: 300,
      https: { certFile: pair.certFile, keyFile: pair.keyFile },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const lifetime = await silentConnectionLifetime(port, 5000);
    expect(lifetime).not.toBe('open');
    expect(lifetime).toBeGreaterThanOrEqual(250);
  });
});
