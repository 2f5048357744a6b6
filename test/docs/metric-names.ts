/**
 * Helpers for test/docs: which Prometheus metrics the services register (built in process, exactly
 * as each service builds them), which metric names a document or a PromQL expression mentions, and
 * whether a mentioned series name belongs to a registered metric.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInvalidPolicyMetric } from '@corral/cluster';
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

/** Each service's registry, built as the service builds it. */
function serviceRegistries(): ReturnType<typeof createMetrics>['registry'][] {
  // The admission webhook and the extender (the CSI controller logs refusals but has no gauge yet).
  const snapshot = { invalidPolicies: () => [] };
  const admission = createMetrics({ service: 'admission' });
  createInvalidPolicyMetric(admission.registry, snapshot);
  createAdmissionMetrics(admission.registry);
  // With a cluster: the status writer's leader election and the Kubernetes Event recorder.
  createLeaderMetrics(admission.registry);
  createEventMetrics(admission.registry);
  // With --tls-bootstrap-secret: the webhook certificate bootstrap.
  createCertificateMetrics(admission.registry);
  const extender = createMetrics({ service: 'extender' });
  createExtenderMetrics(extender);
  createInvalidPolicyMetric(extender.registry, snapshot);
  const csi = createMetrics({ service: 'csi-controller' });
  createCsiMetrics(csi);
  return [admission.registry, extender.registry, csi.registry];
}

/** Builds each service's registry as the service does and lists every metric in it. */
export async function registeredMetrics(): Promise<Map<string, MetricType>> {
  const found = new Map<string, MetricType>();
  for (const registry of serviceRegistries())
    for (const metric of await registry.getMetricsAsJSON())
      found.set(metric.name, String(metric.type) as MetricType);
  return found;
}

/**
 * Metric name → its label names as the code declares them, sorted (the constant `service` label every
 * registry adds is not among them).
 */
export function registeredLabelNames(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const registry of serviceRegistries())
    for (const metric of registry.getMetricsAsArray()) {
      const { name, labelNames } = metric as unknown as { name: string; labelNames?: readonly string[] };
      found.set(name, [...(labelNames ?? [])].sort());
    }
  return found;
}

/**
 * Label names a document gives for a metric: `corral_x{a,b}` mentions (name → each label list given),
 * so a renamed or added label is noticed.
 */
export function mentionedLabelSets(text: string): [string, string[]][] {
  return [...text.matchAll(/\b(corral_[a-z0-9_]*[a-z0-9])\{([a-z_]+(?:,\s*[a-z_]+)*)\}/g)].map((match) => [
    match[1] as string,
    (match[2] as string)
      .split(',')
      .map((label) => label.trim())
      .sort(),
  ]);
}

/**
 * The label names in each row of the metrics table: the backticked words of the third cell outside
 * parentheses (inside them are a label's values), none for `—`.
 */
export function tableLabels(markdown: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of markdown.split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    const name = /^`(corral_[a-z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (name === undefined || cells[3] === undefined) continue;
    const outside = cells[3].replace(/\([^)]*\)/g, '');
    rows.set(name, [...outside.matchAll(/`([a-z_]+)`/g)].map((match) => match[1] as string).sort());
  }
  return rows;
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
