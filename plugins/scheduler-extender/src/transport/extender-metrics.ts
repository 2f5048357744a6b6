import { HTTP_DURATION_BUCKETS, type Metrics } from '@corral/runtime';
import { Counter, Histogram } from 'prom-client';

export type Verb = 'filter' | 'prioritize' | 'preempt' | 'bind';

/** The extender's own series, on the service registry. */
export interface ExtenderMetrics {
  /** `corral_extender_request_duration_seconds{verb}`. */
  readonly requestDuration: Histogram<'verb'>;
  /** `corral_extender_rejections_total{rule}`: node refusals by the rule that refused. */
  readonly rejections: Counter<'rule'>;
}

export function createExtenderMetrics(metrics: Metrics): ExtenderMetrics {
  return {
    requestDuration: new Histogram({
      name: 'corral_extender_request_duration_seconds',
      help: 'Time to answer a kube-scheduler extender call, by verb.',
      labelNames: ['verb'],
      buckets: [0.0001, 0.00025, 0.0005, ...HTTP_DURATION_BUCKETS],
      registers: [metrics.registry],
    }),
    rejections: new Counter({
      name: 'corral_extender_rejections_total',
      help: 'Nodes refused by the filter, by the rule that refused them.',
      labelNames: ['rule'],
      registers: [metrics.registry],
    }),
  };
}
