import type { Histogram } from 'prom-client';
import type { HttpLabel } from '../metrics/create-metrics.js';
import { onEveryResponse, type ObserverFactory } from './on-every-response.js';
import { sharedPlugin } from './shared-plugin.js';

export interface RequestMetricsOptions {
  readonly histogram: Histogram<HttpLabel>;
}

export { UNMATCHED_ROUTE } from './on-every-response.js';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Observes every request's duration in the histogram, labelled by route PATTERN (`/items/:id`, never
 * the raw URL), method and status code. For onEveryResponse.
 */
export function requestMetrics(options: RequestMetricsOptions): ObserverFactory {
  return (route) => (request, reply) => {
    options.histogram.observe(
      {
        route,
        method: KNOWN_METHODS.has(request.method) ? request.method : 'OTHER',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  };
}

/** requestMetrics as a shared plugin: applies to all routes registered after it. */
export const withRequestMetrics = sharedPlugin<RequestMetricsOptions>(async (app, options) => {
  onEveryResponse(app, requestMetrics(options));
}, 'corral-request-metrics');
