import { Counter, type Registry } from 'prom-client';

export type DropReason = 'queue_full' | 'rate_limited' | 'api_error' | 'invalid' | 'stopped';

export interface EventMetrics {
  /** `corral_kube_events_written_total{operation}`: Event creates and series patches the API accepted. */
  readonly written: Counter<'operation'>;
  /** `corral_kube_events_dropped_total{reason}`: occurrences or writes given up. */
  readonly dropped: Counter<'reason'>;
}

const WRITTEN = 'corral_kube_events_written_total';
const DROPPED = 'corral_kube_events_dropped_total';

/** Registers the event recorder's counters in `registry`, or returns those already there. */
export function createEventMetrics(registry: Registry): EventMetrics {
  const written = registry.getSingleMetric(WRITTEN);
  const dropped = registry.getSingleMetric(DROPPED);
  return {
    written:
      written instanceof Counter
        ? (written as Counter<'operation'>)
        : new Counter({
            name: 'corral_kube_events_written_total',
            help: 'Kubernetes Events written, by operation (create a new Event, patch the series of one).',
            labelNames: ['operation'],
            registers: [registry],
          }),
    dropped:
      dropped instanceof Counter
        ? (dropped as Counter<'reason'>)
        : new Counter({
            name: 'corral_kube_events_dropped_total',
            help: 'Kubernetes Events not written, by reason (queue_full, rate_limited, api_error, invalid, stopped).',
            labelNames: ['reason'],
            registers: [registry],
          }),
  };
}
