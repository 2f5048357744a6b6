import { fastify } from 'fastify';
import { createMetrics } from '../metrics/create-metrics.js';
import { createReadiness } from './readiness.js';
import { withOps } from './with-ops.js';

async function opsApp(health?: () => boolean) {
  const metrics = createMetrics({ service: 'test' });
  const readiness = createReadiness(['informer:pods']);
  const app = fastify();
  await app.register(withOps, { registry: metrics.registry, readiness: readiness.report, health });
  return { app, readiness };
}

describe('withOps', () => {
  it('given a live process, GET /healthz returns 200 ok', async () => {
    const { app } = await opsApp();
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect([res.statusCode, res.body]).toEqual([200, 'ok']);
  });

  it('given an unhealthy check, GET /healthz returns 503', async () => {
    const { app } = await opsApp(() => false);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(503);
  });

  it('given an unmet condition, GET /readyz returns 503 with the reasons', async () => {
    const { app, readiness } = await opsApp();
    readiness.set('informer:pods', false, 'waiting for the first LIST');
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ready: false, reasons: ['informer:pods: waiting for the first LIST'] });
  });

  it('given every condition met, GET /readyz returns 200; after shutdown starts, 503', async () => {
    const { app, readiness } = await opsApp();
    readiness.set('informer:pods', true);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect([ready.statusCode, ready.json()]).toEqual([200, { ready: true, reasons: [] }]);
    readiness.markShuttingDown();
    const draining = await app.inject({ method: 'GET', url: '/readyz' });
    expect([draining.statusCode, draining.json()]).toEqual([
      503,
      { ready: false, reasons: ['shutting down'] },
    ]);
  });

  it('given a scrape, GET /metrics returns Prometheus text with its content type', async () => {
    const { app } = await opsApp();
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toContain('# TYPE corral_http_request_duration_seconds histogram');
    expect(res.body).toContain('corral_process_resident_memory_bytes{service="test"}');
  });
});
