import { Agent, get, type Server } from 'node:http';
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

describe('buildServer keep-alive', () => {
  it("given an idle keep-alive connection, keeps it longer than Go clients' 90 s idle timeout", async () => {
    // kube-apiserver (webhook calls) and kube-scheduler (extender calls) reuse idle HTTP/1.1
    // connections for up to 90 s (Go's http.DefaultTransport IdleConnTimeout, through client-go).
    // A server closing first races their next POST, which Go does not retry: the webhook call fails
    // with EOF, and failurePolicy Fail refuses the object.
    const app = buildServer({
      logger: createLogger({ level: 'info', name: 'ka-test', destination: memoryDestination().stream }),
      metrics: createMetrics({ service: 'ka-test', processMetrics: false }),
      readiness: createReadiness().report,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      expect((app.server as Server).keepAliveTimeout).toBeGreaterThan(90_000);
    } finally {
      await app.close();
    }
  });
});

describe('buildServer on close', () => {
  it('given a keep-alive request in flight when close starts, closes as soon as it is answered', async () => {
    const app = buildServer({
      logger: createLogger({ level: 'info', name: 'close-test', destination: memoryDestination().stream }),
      metrics: createMetrics({ service: 'close-test', processMetrics: false }),
      readiness: createReadiness().report,
    });
    let arrived = () => {};
    const inHandler = new Promise<void>((resolve) => (arrived = resolve));
    app.get('/slow', async () => {
      arrived();
      return new Promise((resolve) => setTimeout(() => resolve('done'), 300));
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true });
    try {
      // One answered request first: the connection is kept alive and reused.
      expect((await fetchText(port, '/healthz', agent)).connection).toBe('keep-alive');
      const inFlight = fetchText(port, '/slow', agent);
      await inHandler; // close starts while the server is answering it
      const started = Date.now();
      const closed = app.close().then(() => Date.now() - started);
      const answer = await inFlight;
      expect(answer).toMatchObject({ status: 200, body: 'done' });
      // Without the fix, close() waits for the keep-alive timeout (120 s): far beyond this test's limit.
      expect(await closed).toBeLessThan(2000);
    } finally {
      agent.destroy();
    }
  });
});
