import { Agent, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { buildServer } from './build-server.js';
import { createReadiness } from './readiness.js';

function fetchText(port: number, path: string, agent: Agent) {
  return new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    }).on('error', reject);
  });
}

describe('buildServer on close', () => {
  it('given a keep-alive request in flight when close starts, closes as soon as it is answered', async () => {
    const app = buildServer({
      logger: createLogger({ level: 'info', name: 'close-test', destination: memoryDestination().stream }),
      metrics: createMetrics({ service: 'close-test', processMetrics: false }),
      readiness: createReadiness().report,
    });
    app.get('/slow', async () => new Promise((resolve) => setTimeout(() => resolve('done'), 300)));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true });
    try {
      // One answered request first: the connection is kept alive and reused.
      expect((await fetchText(port, '/healthz', agent)).connection).toBe('keep-alive');
      const inFlight = fetchText(port, '/slow', agent);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      const closed = app.close().then(() => Date.now() - started);
      const answer = await inFlight;
      expect(answer).toMatchObject({ status: 200, body: 'done' });
      // Without the fix, close() waits for the keep-alive timeout (72 s): far beyond this test's limit.
      expect(await closed).toBeLessThan(2000);
    } finally {
      agent.destroy();
    }
  });
});
