import { fastify } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { loadAdmissionReview } from '../../../../test/support/fixtures.js';
import { createAdmissionMetrics } from './admission-metrics.js';
import { webhookRoutes } from './webhook-routes.js';
import type { InnerHandler } from './with-admission.js';

/** The webhook routes alone, with rules that never answer. */
async function hangingApp(deadlineMs: number) {
  const app = fastify();
  const hanging: InnerHandler = () => new Promise(() => undefined);
  await app.register(webhookRoutes, {
    mutate: hanging,
    validate: hanging,
    failOpen: () => false,
    deadlineMs,
    metrics: createAdmissionMetrics(new Registry()),
    logger: pino({ level: 'silent' }),
  });
  return app;
}

describe('webhook routes and the API server timeout', () => {
  const payload = loadAdmissionReview('admission-validating-pods-create-1');

  it('given ?timeout= shorter than the deadline, answers before the API server gives up', async () => {
    // Configured for 30 s; the API server says it waits 1 s: the answer comes at 0.9 s.
    const app = await hangingApp(30_000);
    const started = Date.now();
    const res = await app.inject({ method: 'POST', url: '/validate?timeout=1s', payload });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(850);
    expect(took).toBeLessThan(10_000);
    expect(res.statusCode).toBe(200);
    expect(res.json().response).toMatchObject({ allowed: false, status: { code: 500 } });
    expect(res.json().response.status.message).toMatch(/could not check/);
    await app.close();
  });

  it('given an unreadable ?timeout=, keeps the configured deadline', async () => {
    const app = await hangingApp(150);
    const started = Date.now();
    const res = await app.inject({ method: 'POST', url: '/mutate?timeout=soon', payload });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.json().response.status.code).toBe(500);
    await app.close();
  });
});
