import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface MetricsOptions {
  /** Prefix of every metric name; default `corral_`. */
  readonly prefix?: string;
  /** Value of the `service` label on every series, e.g. `extender`. */
  readonly service: string;
  /** Collect process metrics (CPU, memory, event loop lag, GC); default true. */
  readonly processMetrics?: boolean;
}

export type HttpLabel = 'route' | 'method' | 'status_code';

export interface Metrics {
  readonly registry: Registry;
  /** `<prefix>http_request_duration_seconds{service,route,method,status_code}`. */
  readonly httpRequestDuration: Histogram<HttpLabel>;
  /** `<prefix>http_connections_dropped_total{service}`: connections closed on accept (limitConnections). */
  readonly httpConnectionsDropped: Counter;
}

/** Buckets from 1 ms to 10 s: webhooks and extender calls are expected in the low milliseconds. */
export const HTTP_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/**
 * Creates a service's own Prometheus registry (never the global one, so tests and several servers in one
 * process do not collide), labels every series with `service`, and registers the HTTP histogram and
 * the counter of connections dropped over the connection limit.
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const prefix = options.prefix ?? 'corral_';
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix });
  const httpRequestDuration = new Histogram<HttpLabel>({
    name: `${prefix}http_request_duration_seconds`,
    help: 'Duration of HTTP requests, by route pattern, method and status code.',
    labelNames: ['route', 'method', 'status_code'],
    buckets: [...HTTP_DURATION_BUCKETS],
    registers: [registry],
  });
  const httpConnectionsDropped = new Counter({
    name: `${prefix}http_connections_dropped_total`,
    help: 'Connections closed as soon as accepted, because the server already held its maximum (--max-connections).',
    registers: [registry],
  });
  return { registry, httpRequestDuration, httpConnectionsDropped };
}
