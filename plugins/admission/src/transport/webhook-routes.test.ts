import { fastify } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { loadAdmissionReview } from '../../../../test/support/fixtures.js';
import { createAdmissionMetrics } from './admission-metrics.js';
import { webhookRoutes } from './webhook-routes.js';
import type { InnerHandler } from './with-admission.js';

/** The webhook routes alone, with rules that allow everything, and their metrics registry. */
async function allowingApp() {
  const app = fastify();
  const registry = new Registry();
  const allow: InnerHandler = () => ({ decisions: [] });
  await app.register(webhookRoutes, {
    mutate: allow,
    validate: allow,
    failOpen: () => false,
    deadlineMs: 1000,
    metrics: createAdmissionMetrics(registry),
    logger: pino({ level: 'silent' }),
  });
  return { app, registry };
}

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

describe('webhook routes metrics', () => {
  const payload = loadAdmissionReview('admission-validating-pods-create-1');
  const withKind = (kind: string) => ({
    ...payload,
    request: { ...payload.request, kind: { ...payload.request.kind, kind } },
  });

  it('given reviews of kinds the webhooks do not handle, counts them all under one `other` kind', async () => {
    const { app, registry } = await allowingApp();
    for (let i = 0; i < 5; i += 1) {
      const res = await app.inject({
        method: 'POST',
        url: '/validate',
        payload: withKind(`Made${i}${Math.random()}`),
      });
      expect(res.statusCode).toBe(200);
    }
    await app.inject({ method: 'POST', url: '/validate', payload: withKind('Pod') });
    const text = await registry.metrics();
    const series = text.split('\n').filter((l) => l.startsWith('corral_admission_requests_total{'));
    expect(series.map((l) => l.replace(/outcome="[^"]*"/, ''))).toEqual([
      'corral_admission_requests_total{webhook="validate",kind="other",} 5',
      'corral_admission_requests_total{webhook="validate",kind="Pod",} 1',
    ]);
    const counts = text.split('\n').filter((l) => l.startsWith('corral_admission_duration_seconds_count'));
    expect(counts).toEqual([
      'corral_admission_duration_seconds_count{webhook="validate",kind="other"} 5',
      'corral_admission_duration_seconds_count{webhook="validate",kind="Pod"} 1',
    ]);
    await app.close();
  });
});

describe('webhook routes and malformed reviews', () => {
  const payload = loadAdmissionReview('admission-validating-pods-create-1');
  const withUid = (uid: unknown) => ({ ...payload, request: { ...payload.request, uid } });

  it.each([
    ['a number', 42],
    ['a boolean', true],
    ['a one-item array', ['u-1']],
  ])(
    'given a request.uid that is %s, answers 400 rather than a review for a uid never sent',
    async (_what, uid) => {
      const { app } = await allowingApp();
      const res = await app.inject({ method: 'POST', url: '/validate', payload: withUid(uid) });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ADM_ERR_BAD_REVIEW', message: expect.stringMatching(/uid/) });
      await app.close();
    },
  );
});
