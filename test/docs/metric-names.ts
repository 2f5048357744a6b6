/**
 * Helpers for test/docs: which Prometheus metrics the services register (built in process, exactly
 * as each service builds them), which metric names a document or a PromQL expression mentions, and
 * whether a mentioned series name belongs to a registered metric.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createEventMetrics, createLeaderMetrics, createMetrics } from '@corral/runtime';
import { createAdmissionMetrics } from '../../plugins/admission/src/transport/admission-metrics.js';
import { createCertificateMetrics } from '../../plugins/admission/src/effects/tls/certificate-metrics.js';
import { createCsiMetrics } from '../../plugins/csi-ceph/src/transport/csi-metrics.js';
import { createExtenderMetrics } from '../../plugins/scheduler-extender/src/transport/extender-metrics.js';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** Metric name → type, for every metric a service registers. */
export type Registered = ReadonlyMap<string, MetricType>;

const METRIC_NAME = /\bcorral_[a-z0-9_]*[a-z0-9]\b/g;
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

/** Builds each service's registry as the service does and lists every metric in it. */
export async function registeredMetrics(): Promise<Map<string, MetricType>> {
  const admission = createMetrics({ service: 'admission' });
  createAdmissionMetrics(admission.registry);
  // With a cluster: the status writer's leader election and the Kubernetes Event recorder.
  createLeaderMetrics(admission.registry);
  createEventMetrics(admission.registry);
  // With --tls-bootstrap-secret: the webhook certificate bootstrap.
  createCertificateMetrics(admission.registry);
  const extender = createMetrics({ service: 'extender' });
  createExtenderMetrics(extender);
  const csi = createMetrics({ service: 'csi-controller' });
  createCsiMetrics(csi);
  const found = new Map<string, MetricType>();
  for (const { registry } of [admission, extender, csi])
    for (const metric of await registry.getMetricsAsJSON())
      found.set(metric.name, String(metric.type) as MetricType);
  return found;
}

/** Every `corral_*` token in a text (documentation, PromQL). */
export function mentionedNames(text: string): Set<string> {
  return new Set(text.match(METRIC_NAME) ?? []);
}

/**
 * The registered metric a series name belongs to: itself, or for a histogram its `_bucket`, `_sum`
 * and `_count` series. Undefined when no registered metric exposes that series.
 */
export function metricOfSeries(series: string, registered: Registered): string | undefined {
  if (registered.has(series)) return series;
  for (const suffix of HISTOGRAM_SUFFIXES) {
    if (!series.endsWith(suffix)) continue;
    const base = series.slice(0, -suffix.length);
    if (registered.get(base) === 'histogram') return base;
  }
  return undefined;
}

/** The series names in `names` that no registered metric exposes, sorted. */
export function unknownSeries(names: Iterable<string>, registered: Registered): string[] {
  return [...names].filter((name) => metricOfSeries(name, registered) === undefined).sort();
}

/** Rows of the metrics table: the backticked name in the first cell, the type in the second. */
export function tableRows(markdown: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of markdown.split('\n')) {
    const match = /^\|\s*`(corral_[a-z0-9_]+)`\s*\|\s*([a-z]+)\s*\|/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) rows.set(match[1], match[2]);
  }
  return rows;
}

/**
 * Metric names given as string literals to a prom-client constructor anywhere in the sources
 * (`name: 'corral_…'`), so that a metric registered outside the factories above is noticed.
 */
export function literalMetricNames(roots: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of roots.flatMap((root) => sourceFiles(root))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\bname:\s*['"`](corral_[a-z0-9_]+)['"`]/g))
      if (match[1] !== undefined) found.set(match[1], file);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (path.endsWith('.ts') && !path.endsWith('.test.ts')) files.push(path);
  }
  return files;
}
