import type { Histogram } from 'prom-client';
import type { HttpLabel } from '../metrics/create-metrics.js';
import { sharedPlugin } from './shared-plugin.js';

export interface RequestMetricsOptions {
  readonly histogram: Histogram<HttpLabel>;
}

/** Route label of requests that matched no route: the raw URL would explode the series count. */
export const UNMATCHED_ROUTE = 'unmatched';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Observes every request's duration in the histogram, labelled by route PATTERN (`/items/:id`, never
 * the raw URL), method and status code. Shared: applies to all routes registered after it.
 */
export const withRequestMetrics = sharedPlugin<RequestMetricsOptions>(async (app, options) => {
  app.addHook('onResponse', async (request, reply) => {
    options.histogram.observe(
      {
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        method: KNOWN_METHODS.has(request.method) ? request.method : 'OTHER',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}, 'corral-request-metrics');
