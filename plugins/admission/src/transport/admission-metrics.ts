import { Counter, Histogram, type Registry } from 'prom-client';
import { CounterTally, HistogramSeries, seriesByKey, HTTP_DURATION_BUCKETS } from '@corral/runtime';
import { outcomeLabel, type Decision } from '../decide/decision.js';

export type Webhook = 'mutate' | 'validate';

/** The webhooks' own series, beside the runtime's HTTP histogram. */
export interface AdmissionMetrics {
  /**
   * `corral_admission_requests_total{webhook,kind,outcome}`; outcome allowed|denied|patched|error;
   * kind one of WEBHOOK_KINDS or `other` (see kindLabel).
   */
  readonly requests: Counter<'webhook' | 'kind' | 'outcome'>;
  /** `corral_admission_duration_seconds{webhook,kind}`: time in the envelope and rules; kind as above. */
  readonly duration: Histogram<'webhook' | 'kind'>;
  /** `corral_admission_decisions_total{rule,outcome}`; outcome pass|fail|warn|error|skip|audit. */
  readonly decisions: Counter<'rule' | 'outcome'>;
  /** `corral_admission_cohort_reviews{webhook}`: reviews run together in one cohort (cohort.ts). */
  readonly cohortReviews: Histogram<'webhook'>;
  /** Where the request path counts `requests` (handed to the counter on each scrape). */
  readonly requestTally: CounterTally<'webhook' | 'kind' | 'outcome'>;
  /** Where the request path counts `decisions` (handed to the counter on each scrape). */
  readonly decisionTally: CounterTally<'rule' | 'outcome'>;
}

export function createAdmissionMetrics(registry: Registry): AdmissionMetrics {
  const requestTally = new CounterTally<'webhook' | 'kind' | 'outcome'>(['webhook', 'kind', 'outcome']);
  const decisionTally = new CounterTally<'rule' | 'outcome'>(['rule', 'outcome']);
  return {
    requestTally,
    decisionTally,
    requests: new Counter({
      name: 'corral_admission_requests_total',
      help: 'AdmissionReviews answered, by webhook, object kind and outcome.',
      labelNames: ['webhook', 'kind', 'outcome'],
      registers: [registry],
      collect() {
        requestTally.drainInto(this);
      },
    }),
    duration: new Histogram({
      name: 'corral_admission_duration_seconds',
      help: 'Time to answer an AdmissionReview, by webhook and object kind.',
      labelNames: ['webhook', 'kind'],
      buckets: [0.0005, ...HTTP_DURATION_BUCKETS],
      registers: [registry],
    }),
    cohortReviews: new Histogram({
      name: 'corral_admission_cohort_reviews',
      help: 'Reviews run together in one cohort (read in one turn of the event loop), by webhook.',
      labelNames: ['webhook'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'corral_admission_decisions_total',
      help: 'Rule decisions, by rule and outcome (audit = a denial allowed by audit mode).',
      labelNames: ['rule', 'outcome'],
      registers: [registry],
      collect() {
        decisionTally.drainInto(this);
      },
    }),
  };
}

/** Counts each decision once under its rule and outcome. */
export function countDecisions(metrics: AdmissionMetrics, decisions: readonly Decision[]): void {
  for (const decision of decisions)
    metrics.decisionTally.inc({ rule: decision.rule, outcome: outcomeLabel(decision) });
}

/** Observes one webhook's cohort sizes (its one series, found once). */
export function cohortSizeObserver(metrics: AdmissionMetrics, webhook: Webhook): (size: number) => void {
  const series = new HistogramSeries(metrics.cohortReviews, { webhook });
  return (size) => series.observe(size);
}

/**
 * The duration histogram's series of one webhook, by kind label, each made on first use (kind labels
 * are a fixed set: see kindLabel): a review observes its series without prom-client's per-call label
 * checks (HistogramSeries).
 */
export function durationSeries(
  metrics: AdmissionMetrics,
  webhook: Webhook,
): (kind: string) => HistogramSeries<'webhook' | 'kind'> {
  return seriesByKey(metrics.duration, (kind: string) => ({ webhook, kind }));
}
