import { Type } from '@sinclair/typebox';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { buildServer } from './build-server.js';
import { createReadiness } from './readiness.js';

function build(bodyLimit?: number, quiet: { quietRoutes?: string[]; slowRequestMs?: number } = {}) {
  const logs = memoryDestination();
  const readiness = createReadiness(['informer:pods']);
  const app = buildServer({
    logger: createLogger({ level: 'info', name: 'build-test', destination: logs.stream }),
    metrics: createMetrics({ service: 'build-test', processMetrics: false }),
    readiness: readiness.report,
    bodyLimit,
    ...quiet,
  });
  app.post(
    '/scheduler/filter/:mode',
    { schema: { params: Type.Object({ mode: Type.String() }), body: Type.Object({ Pod: Type.Object({}) }) } },
    async (request) => ({ mode: request.params.mode }),
  );
  return { app, logs, readiness };
}

describe('buildServer', () => {
  it('given a service route, serves it next to the ops routes', async () => {
    const { app, readiness } = build();
    const ok = await app.inject({ method: 'POST', url: '/scheduler/filter/x', payload: { Pod: {} } });
    expect(ok.json()).toEqual({ mode: 'x' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    readiness.set('informer:pods', true);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('given a request, records it in /metrics under its route pattern', async () => {
    const { app } = build();
    await app.inject({ method: 'POST', url: '/scheduler/filter/abc', payload: { Pod: {} } });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(
      'corral_http_request_duration_seconds_count{service="build-test",route="/scheduler/filter/:mode",method="POST",status_code="200"} 1',
    );
  });

  it('given a request with x-request-id, writes exactly one line carrying that id', async () => {
    const { app, logs } = build();
    await app.inject({
      method: 'POST',
      url: '/scheduler/filter/x',
      payload: { Pod: {} },
      headers: { 'x-request-id': 'req-123', authorization: 'Bearer S3CR3T' },
    });
    const requestLines = logs.lines.filter((l) => l.reqId === 'req-123');
    expect(requestLines).toEqual([
      expect.objectContaining({
        msg: 'request completed',
        route: '/scheduler/filter/:mode',
        statusCode: 200,
      }),
    ]);
    expect(logs.text()).not.toContain('S3CR3T');
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with odd characters', 'id"} {"level":"error'],
  ])('given an x-request-id %s, ignores it and generates one', async (_what, given) => {
    const { app, logs } = build();
    await app.inject({
      method: 'POST',
      url: '/scheduler/filter/x',
      payload: { Pod: {} },
      headers: { 'x-request-id': given },
    });
    const [line] = logs.lines.filter((l) => l.msg === 'request completed');
    expect(line?.reqId).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
  });

  it('given no request id header, generates a unique one per request', async () => {
    const { app, logs } = build();
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'POST', url: '/scheduler/filter/x', payload: { Pod: {} } });
    await app.inject({ method: 'POST', url: '/scheduler/filter/y', payload: { Pod: {} } });
    const ids = logs.lines.filter((l) => l.msg === 'request completed').map((l) => l.reqId);
    expect(ids).toHaveLength(2); // probes are logged at debug, below the level
    expect(new Set(ids).size).toBe(2);
  });

  it('given quiet routes, logs their fast successes at debug, slow ones at info, failures at warn', async () => {
    // A threshold well above a busy machine's pauses, or a quick request (the first, cold) may pass it.
    const { app, logs } = build(undefined, { quietRoutes: ['/slow', '/quick'], slowRequestMs: 400 });
    app.get('/quick', async () => 'ok');
    app.get('/slow', async () => new Promise((resolve) => setTimeout(() => resolve('ok'), 420)));
    await app.inject({ method: 'GET', url: '/quick' });
    await app.inject({ method: 'GET', url: '/slow' });
    await app.inject({ method: 'POST', url: '/quick' });
    const lines = logs.lines.filter((l) => l.msg === 'request completed');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', route: '/slow', statusCode: 200 }),
      expect.objectContaining({ level: 'warn', route: 'unmatched', statusCode: 404 }),
    ]);
    expect(Number(lines[0]?.durationMs)).toBeGreaterThanOrEqual(400);
  });

  it('given a body over bodyLimit, answers 413', async () => {
    const { app } = build(64);
    const res = await app.inject({
      method: 'POST',
      url: '/scheduler/filter/x',
      payload: { Pod: { a: 'x'.repeat(100) } },
    });
    expect(res.statusCode).toBe(413);
  });

  it('given a body that fails the route schema, answers 400', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'POST', url: '/scheduler/filter/x', payload: { Nodes: [] } });
    expect(res.statusCode).toBe(400);
  });
});
