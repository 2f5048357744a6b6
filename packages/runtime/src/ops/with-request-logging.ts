import type { FastifyReply, FastifyRequest } from 'fastify';
import { OPS_ROUTES } from './with-ops.js';
import { UNMATCHED_ROUTE } from './with-request-metrics.js';
import { sharedPlugin } from './shared-plugin.js';

export interface RequestLoggingOptions {
  /** Routes logged at debug level when they succeed (probes and scrapes). Default: the ops routes. */
  readonly quietRoutes?: readonly string[];
}

type LineLevel = 'debug' | 'info' | 'warn' | 'error';

function levelOf(route: string, status: number, quiet: ReadonlySet<string>): LineLevel {
  if (status >= 500) return 'error';
  if (status >= 400) return 'warn';
  return quiet.has(route) ? 'debug' : 'info';
}

/**
 * Writes ONE line per request, when it completes: method, route pattern, status and duration, through
 * the request's child logger (which carries `reqId`). Shared: applies to all routes registered after it.
 * Expects fastify's own request lines to be off (a `LogController` with `disableRequestLogging`).
 */
export const withRequestLogging = sharedPlugin<RequestLoggingOptions>(async (app, options) => {
  const quiet = new Set(options.quietRoutes ?? OPS_ROUTES);
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const line = {
      method: request.method,
      route,
      path: route === UNMATCHED_ROUTE ? request.url.split('?')[0] : undefined,
      statusCode: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    request.log[levelOf(route, reply.statusCode, quiet)](line, 'request completed');
  });
}, 'corral-request-logging');
