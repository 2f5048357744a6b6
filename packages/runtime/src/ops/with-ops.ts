import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Registry } from 'prom-client';
import type { ReadinessReport } from './readiness.js';

export interface OpsOptions {
  readonly registry: Registry;
  /** Answers /readyz. Pass `readiness.report` from `createReadiness`. */
  readonly readiness: () => ReadinessReport;
  /** Answers /healthz; default: healthy while the process answers at all. */
  readonly health?: () => boolean;
}

export const OPS_ROUTES: readonly string[] = Object.freeze(['/healthz', '/readyz', '/metrics']);

const ReadyzBody = Type.Object({ ready: Type.Boolean(), reasons: Type.Array(Type.String()) });

/**
 * The operations routes, sealed in their own context: `GET /healthz` (liveness), `GET /readyz` (200 when
 * ready, else 503 with the reasons) and `GET /metrics` (Prometheus text format).
 */
export const withOps: FastifyPluginAsync<OpsOptions> = async (app, options) => {
  const isHealthy = options.health ?? (() => true);

  app.get('/healthz', async (_request, reply) => {
    const healthy = isHealthy();
    return reply
      .code(healthy ? 200 : 503)
      .type('text/plain; charset=utf-8')
      .send(healthy ? 'ok' : 'unhealthy');
  });

  app.get(
    '/readyz',
    { schema: { response: { 200: ReadyzBody, 503: ReadyzBody } } },
    async (_request, reply) => {
      const report = options.readiness();
      return reply.code(report.ready ? 200 : 503).send({ ready: report.ready, reasons: [...report.reasons] });
    },
  );

  app.get('/metrics', async (_request, reply) => {
    const body = await options.registry.metrics();
    return reply.type(options.registry.contentType).send(body);
  });
};
