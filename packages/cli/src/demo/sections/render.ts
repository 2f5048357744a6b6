import { renderTable } from '../../format/table.js';
import { groupsToShow, type RefusalGroup } from '../decide/refusals.js';
import type { AdmissionRow, ScheduleRow, ServiceRow, StorageReport, WalkthroughReport } from './report.js';

/** The walkthrough's tables, one per section, and the closing summary: plain text for a terminal. */
export function renderServices(rows: readonly ServiceRow[]): string {
  return section(
    'Services, running for real on this machine',
    renderTable(
      ['SERVICE', 'ENDPOINT', 'NOTES'],
      rows.map((r) => [r.service, r.endpoint, r.notes]),
    ),
  );
}

export function renderAdmission(rows: readonly AdmissionRow[], notReviewed: readonly string[]): string {
  const table = renderTable(
    ['OBJECT', 'ADMISSION', 'RULES'],
    rows.map((r) => [r.createdBy ? `  └ ${r.object}` : r.object, outcomeText(r), r.rules.join(', ') || '-']),
  );
  const details = rows
    .filter((r) => r.patched !== '-' || r.why.length > 0)
    .map((r) => {
      const lines = [`  ${r.object}${r.createdBy ? ` (created by ${r.createdBy})` : ''}`];
      if (r.patched !== '-') lines.push(`    patched: ${r.patched}`);
      for (const why of r.why) lines.push(`    ${why}`);
      return lines.join('\n');
    })
    .join('\n');
  const skipped =
    notReviewed.length > 0
      ? `  Not sent to the webhooks (no webhook rule selects them): ${notReviewed.join(', ')}\n`
      : '';
  return section(
    'Admission: each manifest as kube-apiserver sends it (AdmissionReview v1 over HTTPS: /mutate for pods, then /validate)',
    `${table}${skipped}\n  What the webhooks changed and why:\n${details}\n`,
  );
}

/**
 * `DENIED`, or how it was allowed: with warnings; "in audit mode" when the rules named were broken and
 * only recorded (an audit annotation), so that an allowed row next to a rule is not read as a pass.
 */
export function outcomeText(row: AdmissionRow): string {
  if (row.outcome === 'denied') return 'DENIED';
  const how = row.audited ? `${row.outcome} in audit mode` : row.outcome;
  return `${how}${row.patched === '-' ? '' : ', patched'}`;
}

/** The largest groups, and enough more that every refused node has a reason shown. */
export function refusalText(groups: readonly RefusalGroup[], limit = 2): string {
  const { shown, hidden } = groupsToShow(groups, limit);
  const text = shown
    .map((g) => `${g.nodes.length}× ${g.rule}${g.rule === g.example ? '' : ` (${g.example})`}`)
    .join('; ');
  return hidden === 0 ? text : `${text}; and ${hidden} more reason${hidden === 1 ? '' : 's'}`;
}

export function renderScheduling(rows: readonly ScheduleRow[]): string {
  const table = renderTable(
    ['POD', 'NODES: ALL → KUBE FILTERS → EXTENDER', 'PLACED ON (SCORE)'],
    rows.map((r) => [
      r.pod,
      `${r.nodes} → ${r.afterKube} → ${r.afterExtender}`,
      r.chosen ? `${r.chosen} (${r.score ?? 0}/10)` : 'Pending: no node fits',
    ]),
  );
  const why = rows
    .map((r) => {
      const lines = [`  ${r.pod}`];
      if (r.kubeRefusals.length > 0)
        lines.push(`    kube-scheduler refused ${count(r.kubeRefusals)}: ${refusalText(r.kubeRefusals)}`);
      if (r.extenderRefusals.length > 0) {
        lines.push(
          `    extender refused ${count(r.extenderRefusals)}: ${refusalText(r.extenderRefusals, 3)}`,
        );
      }
      return lines.join('\n');
    })
    .join('\n');
  return section(
    "Scheduling: kube-scheduler's own filters, then the extender over HTTP (/scheduler/filter and /scheduler/prioritize, node names only)",
    `${table}\n  Why nodes were refused:\n${why}\n`,
  );
}

const count = (groups: readonly RefusalGroup[]): string => {
  const nodes = new Set(groups.flatMap((g) => g.nodes));
  return `${nodes.size} node${nodes.size === 1 ? '' : 's'}`;
};

export function renderStorage(report: StorageReport): string {
  const title = 'Storage: the CSI driver over its unix sockets, against the local Ceph';
  if (report.skipped) return section(title, `  Skipped: ${report.skipped}\n`);
  const drivers = renderTable(
    ['SERVICE', 'ENDPOINT', 'NOTES'],
    report.services.map((r) => [r.service, r.endpoint, r.notes]),
  );
  return section(
    title,
    drivers +
      '\n' +
      renderTable(
        ['STEP', 'RPC', 'OUTCOME', 'TIME', 'RESULT'],
        report.steps.map((s) => [
          s.step,
          s.rpc,
          s.outcome,
          s.ms === undefined ? '-' : `${s.ms} ms`,
          s.result,
        ]),
      ),
  );
}

export function renderSummary(report: WalkthroughReport): string {
  const placed = report.scheduling.filter((r) => r.chosen).length;
  const lines = [
    admissionLine(report.admission),
    `${counted(report.scheduling.length, 'pod')} scheduled: ${placed} placed, ` +
      `${report.scheduling.length - placed} pending`,
    storageLine(report.storage),
    report.failures.length === 0
      ? 'every service started, answered and shut down cleanly'
      : `${report.failures.length} failure(s):\n${report.failures.map((f) => `    ${f}`).join('\n')}` +
        logsText(report.serviceLogs),
  ];
  return section('Summary', lines.map((l) => `  ${l}\n`).join(''));
}

/** `13 objects reviewed: 9 admitted (1 with warnings, 1 in audit mode despite a broken rule), 4 denied`. */
export function admissionLine(rows: readonly AdmissionRow[]): string {
  const admitted = rows.filter((r) => r.outcome !== 'denied').length;
  const warned = rows.filter((r) => r.outcome === 'allowed with warnings').length;
  const audited = rows.filter((r) => r.audited).length;
  const how = [
    `${warned} with warnings`,
    ...(audited > 0 ? [`${audited} in audit mode despite a broken rule`] : []),
  ];
  return `${counted(rows.length, 'object')} reviewed: ${admitted} admitted (${how.join(', ')}), ${rows.length - admitted} denied`;
}

/** `1 pod`, `2 pods`. */
const counted = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

function logsText(lines: readonly string[]): string {
  if (lines.length === 0) return '';
  return `\n  The services logged (last ${Math.min(lines.length, 8)}):\n${lines
    .slice(-8)
    .map((l) => `    ${l}`)
    .join('\n')}`;
}

/**
 * `16 of 16 storage steps as expected`; steps skipped on purpose (no root) are counted apart, so that
 * they do not read as steps that went wrong.
 */
export function storageLine(storage: StorageReport): string {
  if (storage.skipped) return `storage skipped (${storage.skipped})`;
  const expected = storage.steps.filter((s) => s.outcome === 'ok' || s.outcome === 'refused as expected');
  const skipped = storage.steps.filter((s) => s.outcome === 'skipped');
  const line = `${expected.length} of ${storage.steps.length - skipped.length} storage steps as expected`;
  if (skipped.length === 0) return line;
  return `${line}; ${skipped.length} node step${skipped.length === 1 ? '' : 's'} skipped: ${skipped[0]?.result ?? ''}`;
}

function section(title: string, body: string): string {
  return `\n${title}\n${body}`;
}
