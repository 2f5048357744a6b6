import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentationFiles, readText } from './doc-files.js';
import {
  literalMetricNames,
  mentionedLabelSets,
  mentionedNames,
  metricOfSeries,
  registeredLabelNames,
  registeredMetrics,
  tableLabels,
  tableRows,
  unknownSeries,
  type MetricType,
} from './metric-names.js';

const root = join(import.meta.dirname, '..', '..');
const metricsDoc = readFileSync(join(root, 'docs', 'metrics.md'), 'utf8');
const dashboardText = readFileSync(join(root, 'deploy', 'dashboards', 'corral.json'), 'utf8');

interface Target {
  readonly expr?: unknown;
  readonly datasource?: unknown;
}
interface Panel {
  readonly type?: unknown;
  readonly title?: unknown;
  readonly datasource?: unknown;
  readonly targets?: readonly Target[];
}
interface Dashboard {
  readonly schemaVersion?: unknown;
  readonly panels?: readonly Panel[];
  readonly templating?: { readonly list?: readonly { name?: unknown; type?: unknown; query?: unknown }[] };
}

function dashboard(): Dashboard {
  return JSON.parse(dashboardText) as Dashboard;
}

function queryPanels(board: Dashboard): Panel[] {
  return (board.panels ?? []).filter((panel) => panel.type !== 'row');
}

function expressions(board: Dashboard): string[] {
  const fromPanels = queryPanels(board).flatMap((panel) =>
    (panel.targets ?? []).map((target) => (typeof target.expr === 'string' ? target.expr : '')),
  );
  const fromVariables = (board.templating?.list ?? []).map((variable) =>
    JSON.stringify(variable.query ?? ''),
  );
  return [...fromPanels, ...fromVariables];
}

describe('metric name helpers', () => {
  const registered = new Map<string, MetricType>([
    ['corral_a_total', 'counter'],
    ['corral_b_seconds', 'histogram'],
    ['corral_c_bytes', 'gauge'],
  ]);
  it.each([
    ['corral_a_total', 'corral_a_total'],
    ['corral_b_seconds_bucket', 'corral_b_seconds'],
    ['corral_b_seconds_count', 'corral_b_seconds'],
    ['corral_b_seconds', 'corral_b_seconds'],
    ['corral_c_bytes_sum', undefined],
    ['corral_missing_total', undefined],
  ])('given series %s, returns metric %s', (series, metric) => {
    expect(metricOfSeries(series, registered)).toBe(metric);
  });

  it('given a PromQL expression, returns the corral_ names it mentions and flags the unknown ones', () => {
    const expr = 'sum by (le) (rate(corral_b_seconds_bucket{x="corral"}[5m])) / corral_nope_total';
    expect([...mentionedNames(expr)].sort()).toEqual(['corral_b_seconds_bucket', 'corral_nope_total']);
    expect(unknownSeries(mentionedNames(expr), registered)).toEqual(['corral_nope_total']);
  });

  it('given a table row, returns the backticked label names outside parentheses, none for —', () => {
    const table = [
      '| `corral_a_total` | counter | `webhook` (`mutate`\\|`validate`), `kind` (else `other`) | x | y |',
      '| `corral_c_bytes` | gauge | — | x | y |',
    ].join('\n');
    expect([...tableLabels(table)]).toEqual([
      ['corral_a_total', ['kind', 'webhook']],
      ['corral_c_bytes', []],
    ]);
  });

  it('given `name{a,b}` mentions, returns each label list sorted, and skips PromQL matchers', () => {
    const text = 'see `corral_a_total{webhook,kind}` and corral_b_seconds_bucket{verb="filter"}';
    expect(mentionedLabelSets(text)).toEqual([['corral_a_total', ['kind', 'webhook']]]);
  });

  it('given a markdown table, returns each row name with its type', () => {
    const table =
      '| Metric | Type |\n| --- | --- |\n| `corral_a_total` | counter | x |\n| `corral_b_seconds` | histogram |';
    expect([...tableRows(table)]).toEqual([
      ['corral_a_total', 'counter'],
      ['corral_b_seconds', 'histogram'],
    ]);
  });
});

describe('docs/metrics.md against the code', () => {
  it('given the services built in process, documents every registered metric with its type', async () => {
    const registered = await registeredMetrics();
    expect(registered.size).toBeGreaterThan(8);
    expect(registered.get('corral_admission_decisions_total')).toBe('counter');
    const rows = tableRows(metricsDoc);
    const missing = [...registered.keys()].filter((name) => !rows.has(name)).sort();
    expect(missing, 'metrics registered in code but missing from docs/metrics.md').toEqual([]);
    const wrongType = [...rows].filter(
      ([name, type]) => registered.has(name) && registered.get(name) !== type,
    );
    expect(wrongType, 'table rows whose type differs from the code').toEqual([]);
  });

  it('given the documentation files, finds the metric pages among them', () => {
    expect(documentationFiles()).toEqual(
      expect.arrayContaining(['docs/metrics.md', 'docs/admission.md', 'docs/adr/0002-runtime-kit.md']),
    );
  });

  it.each(documentationFiles())('given every corral_ name in %s, each exists in the code', async (file) => {
    const registered = await registeredMetrics();
    expect(unknownSeries(mentionedNames(readText(file)), registered)).toEqual([]);
  });

  it('given the table, lists for each metric exactly the label names the code declares', () => {
    const labels = registeredLabelNames();
    expect(labels.get('corral_admission_requests_total')).toEqual(['kind', 'outcome', 'webhook']);
    const rows = tableLabels(metricsDoc);
    expect(rows.get('corral_csi_operations_total')).toEqual(['code', 'rpc']);
    const wrong = [...rows]
      .filter(([name, named]) => labels.has(name) && named.join() !== labels.get(name)?.join())
      .map(
        ([name, named]) => `${name}: table ${named.join(',') || '—'}, code ${labels.get(name)?.join(',')}`,
      );
    expect(wrong, 'rows whose labels differ from the code').toEqual([]);
  });

  it('given every `corral_x{a,b}` label list in the documentation, it names exactly the labels of x', async () => {
    const registered = await registeredMetrics();
    const labels = registeredLabelNames();
    const mentions = documentationFiles().flatMap((file) =>
      mentionedLabelSets(readText(file)).map(([series, named]) => ({ file, series, named })),
    );
    expect(mentions.length).toBeGreaterThanOrEqual(10);
    const wrong = mentions
      .map(({ file, series, named }) => {
        const metric = metricOfSeries(series, registered) ?? series;
        // `service` is every registry's constant label; `le` a histogram bucket's.
        const given = named.filter((label) => label !== 'service' && label !== 'le');
        const declared = labels.get(metric) ?? [];
        return given.join() === declared.join() ? undefined : `${file}: ${series}{${named.join(',')}}`;
      })
      .filter((line) => line !== undefined);
    expect(wrong, `label lists that differ from the code's`).toEqual([]);
  });

  it('given the metric name literals in all sources, each is built by the in-process registries', async () => {
    const registered = await registeredMetrics();
    const roots = ['packages', 'plugins'].flatMap((dir) =>
      readdirSync(join(root, dir))
        .map((name) => join(root, dir, name, 'src'))
        .filter((src) => existsSync(src)),
    );
    const literals = literalMetricNames(roots);
    expect(literals.has('corral_extender_rejections_total')).toBe(true);
    const unbuilt = [...literals].filter(([name]) => !registered.has(name));
    expect(unbuilt, 'add the factory that registers these to test/docs/metric-names.ts').toEqual([]);
  });
});

describe('deploy/dashboards/corral.json', () => {
  it('given the file, parses as a Grafana dashboard with a Prometheus datasource variable', () => {
    const board = dashboard();
    expect(board.schemaVersion).toBe(39);
    const variables = board.templating?.list ?? [];
    expect(variables).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    expect(queryPanels(board).length).toBeGreaterThanOrEqual(8);
  });

  it('given every panel, each has a datasource and at least one target with an expression', () => {
    const incomplete = queryPanels(dashboard())
      .filter((panel) => {
        const targets = panel.targets ?? [];
        const hasExpressions =
          targets.length > 0 && targets.every((t) => typeof t.expr === 'string' && t.expr !== '');
        return panel.datasource === undefined || !hasExpressions;
      })
      .map((panel) => String(panel.title));
    expect(incomplete).toEqual([]);
  });

  it('given every PromQL expression, each metric it queries exists in the code', async () => {
    const registered = await registeredMetrics();
    const named = new Set(expressions(dashboard()).flatMap((expr) => [...mentionedNames(expr)]));
    expect(named.size).toBeGreaterThanOrEqual(6);
    expect(unknownSeries(named, registered)).toEqual([]);
  });

  it('given the rows the issue asks for, queries admission, extender and CSI metrics by rule or code', () => {
    const all = expressions(dashboard()).join('\n');
    for (const needle of [
      'corral_admission_duration_seconds_bucket',
      'corral_admission_decisions_total',
      'corral_extender_request_duration_seconds_bucket',
      'corral_extender_rejections_total',
      'corral_csi_operations_total',
    ])
      expect(all).toContain(needle);
    expect(all).toMatch(/by \(rule\)/);
    expect(all).toMatch(/by \(rpc, code\)/);
  });

  it('given the kustomization, wraps the dashboard in a ConfigMap labelled grafana_dashboard: "1"', () => {
    const kustomization = readFileSync(join(root, 'deploy', 'dashboards', 'kustomization.yaml'), 'utf8');
    expect(kustomization).toMatch(/configMapGenerator:/);
    expect(kustomization).toMatch(/- corral\.json/);
    expect(kustomization).toMatch(/grafana_dashboard: '1'/);
  });
});
