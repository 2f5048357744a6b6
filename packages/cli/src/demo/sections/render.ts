import { renderTable } from '../../format/table.js';
import type { RefusalGroup } from '../decide/refusals.js';
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
    rows.map((r) => [
      r.createdBy ? `  └ ${r.object}` : r.object,
      r.outcome === 'denied' ? 'DENIED' : `${r.outcome}${r.patched === '-' ? '' : ', patched'}`,
      r.rules.join(', ') || '-',
    ]),
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

function refusalText(groups: readonly RefusalGroup[], limit = 2): string {
  return groups
    .slice(0, limit)
    .map((g) => `${g.nodes.length}× ${g.rule}${g.rule === g.example ? '' : ` (${g.example})`}`)
    .join('; ');
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
  const admitted = report.admission.filter((r) => r.outcome !== 'denied').length;
  const warned = report.admission.filter((r) => r.outcome === 'allowed with warnings').length;
  const placed = report.scheduling.filter((r) => r.chosen).length;
  const storage = report.storage.skipped
    ? `storage skipped (${report.storage.skipped})`
    : `${report.storage.steps.filter((s) => s.outcome === 'ok' || s.outcome === 'refused as expected').length} of ${report.storage.steps.length} storage steps as expected` +
      skippedSteps(report.storage);
  const lines = [
    `${report.admission.length} objects reviewed: ${admitted} admitted (${warned} with warnings), ${report.admission.length - admitted} denied`,
    `${report.scheduling.length} pods scheduled: ${placed} placed, ${report.scheduling.length - placed} pending`,
    storage,
    report.failures.length === 0
      ? 'every service started, answered and shut down cleanly'
      : `${report.failures.length} failure(s):\n${report.failures.map((f) => `    ${f}`).join('\n')}` +
        logsText(report.serviceLogs),
  ];
  return section('Summary', lines.map((l) => `  ${l}\n`).join(''));
}

function logsText(lines: readonly string[]): string {
  if (lines.length === 0) return '';
  return `\n  The services logged (last ${Math.min(lines.length, 8)}):\n${lines
    .slice(-8)
    .map((l) => `    ${l}`)
    .join('\n')}`;
}

function skippedSteps(storage: StorageReport): string {
  const skipped = storage.steps.filter((s) => s.outcome === 'skipped');
  return skipped.length === 0 ? '' : ` (${skipped.length} node step(s) skipped: ${skipped[0]?.result ?? ''})`;
}

function section(title: string, body: string): string {
  return `\n${title}\n${body}`;
}
