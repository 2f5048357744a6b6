import { fastify } from 'fastify';
import { createMetrics } from '../metrics/create-metrics.js';
import { withRequestMetrics } from './with-request-metrics.js';

async function appWithMetrics() {
  const metrics = createMetrics({ service: 'extender', processMetrics: false });
  const app = fastify();
  await app.register(withRequestMetrics, { histogram: metrics.httpRequestDuration });
  app.get('/items/:id', async () => ({ ok: true }));
  app.post('/fail', async (_req, reply) => reply.code(500).send({ error: 'x' }));
  return { app, text: () => metrics.registry.metrics() };
}

describe('withRequestMetrics', () => {
  const cases: [string, { method: 'GET' | 'POST'; url: string }, string][] = [
    [
      'a parameterised route',
      { method: 'GET', url: '/items/42?x=1' },
      'route="/items/:id",method="GET",status_code="200"',
    ],
    ['a failing route', { method: 'POST', url: '/fail' }, 'route="/fail",method="POST",status_code="500"'],
    [
      'an unknown URL',
      { method: 'GET', url: '/no/such/path' },
      'route="unmatched",method="GET",status_code="404"',
    ],
  ];
  it.each(cases)('given %s, counts it under the route pattern', async (_name, request, labels) => {
    const { app, text } = await appWithMetrics();
    await app.inject(request);
    const body = await text();
    expect(body).toContain(`corral_http_request_duration_seconds_count{service="extender",${labels}} 1`);
    expect(body).not.toContain('/items/42');
    expect(body).not.toContain('/no/such/path');
  });

  it('given a route registered after the plugin, still observes it (shared plugin)', async () => {
    const { app, text } = await appWithMetrics();
    await app.register(async (child) => child.get('/late', async () => 'late'));
    await app.inject({ method: 'GET', url: '/late' });
    expect(await text()).toContain('route="/late"');
  });
});
