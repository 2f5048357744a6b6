import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { createReadiness } from './readiness.js';
import { startOpsServer, type OpsServer } from './start-ops-server.js';

let ops: OpsServer | undefined;
afterEach(async () => {
  await ops?.close();
  ops = undefined;
});

function get(
  target: { port?: number; socketPath?: string },
  path: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', ...target, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
}

function start(listen: string) {
  const readiness = createReadiness(['csi:probe']);
  return startOpsServer({
    listen,
    logger: createLogger({ level: 'info', name: 'csi', destination: memoryDestination().stream }),
    metrics: createMetrics({ service: 'csi' }),
    readiness: readiness.report,
  }).then((server) => ({ server, readiness }));
}

describe('startOpsServer', () => {
  it('given 127.0.0.1:0, listens on a real port and serves the ops routes', async () => {
    const { server, readiness } = await start('127.0.0.1:0');
    ops = server;
    const port = Number(server.address.split(':').pop());
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await get({ port }, '/healthz')).toEqual({ status: 200, body: 'ok' });
    expect(await get({ port }, '/readyz')).toEqual({
      status: 503,
      body: '{"ready":false,"reasons":["csi:probe pending"]}',
    });
    readiness.set('csi:probe', true);
    expect((await get({ port }, '/readyz')).status).toBe(200);
    expect((await get({ port }, '/metrics')).body).toContain(
      'corral_process_cpu_seconds_total{service="csi"}',
    );
  });

  it('given a unix endpoint, serves the ops routes on the socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-ops-'));
    try {
      const { server } = await start(`unix://${join(dir, 'ops.sock')}`);
      ops = server;
      expect(server.address).toBe(`unix://${join(dir, 'ops.sock')}`);
      expect((await get({ socketPath: join(dir, 'ops.sock') }, '/healthz')).body).toBe('ok');
    } finally {
      await ops?.close();
      ops = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('given a malformed address, rejects with RUNTIME_ERR_LISTEN_ADDRESS', async () => {
    await expect(start('localhost')).rejects.toMatchObject({ code: 'RUNTIME_ERR_LISTEN_ADDRESS' });
  });
});
