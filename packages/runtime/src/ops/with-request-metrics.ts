import type { Histogram } from 'prom-client';
import type { HttpLabel } from '../metrics/create-metrics.js';
import { seriesByKey, type HistogramSeries } from '../metrics/histogram-series.js';
import { onEveryResponse, type ObserverFactory } from './on-every-response.js';
import { sharedPlugin } from './shared-plugin.js';

export interface RequestMetricsOptions {
  readonly histogram: Histogram<HttpLabel>;
}

export { UNMATCHED_ROUTE } from './on-every-response.js';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Observes every request's duration in the histogram, labelled by route PATTERN (`/items/:id`, never
 * the raw URL), method and status code. Each route keeps its series by method and status (a handful:
 * the method label is one of KNOWN_METHODS or `OTHER`, a status one of HTTP's), so a request pays two
 * Map look-ups rather than prom-client's label checks and key building (see HistogramSeries). For
 * onEveryResponse.
 */
export function requestMetrics(options: RequestMetricsOptions): ObserverFactory {
  return (route) => {
    const byMethod = new Map<string, (status: number) => HistogramSeries<HttpLabel>>();
    const seriesOf = (method: string, status: number): HistogramSeries<HttpLabel> => {
      let byStatus = byMethod.get(method);
      if (byStatus === undefined) {
        byStatus = seriesByKey(options.histogram, (code: number) => ({
          route,
          method,
          status_code: String(code),
        }));
        byMethod.set(method, byStatus);
      }
      return byStatus(status);
    };
    return (request, reply) => {
      const method = KNOWN_METHODS.has(request.method) ? request.method : 'OTHER';
      seriesOf(method, reply.statusCode).observe(reply.elapsedTime / 1000);
    };
  };
}

/** requestMetrics as a shared plugin: applies to all routes registered after it. */
export const withRequestMetrics = sharedPlugin<RequestMetricsOptions>(async (app, options) => {
  onEveryResponse(app, requestMetrics(options));
}, 'corral-request-metrics');
