import { describe, expect, it } from 'vitest';
import { admissionLine, outcomeText, refusalText, renderSummary, storageLine } from './render.js';
import type { AdmissionRow, ScheduleRow, StorageStep, WalkthroughReport } from './report.js';

const row = (over: Partial<AdmissionRow>): AdmissionRow => ({
  object: 'Pod research-ml/finetune-1',
  outcome: 'allowed',
  audited: false,
  patched: '-',
  why: [],
  rules: [],
  ...over,
});

// What the demo's manifests produce: finetune-1 breaks research-ml's GPU quota, which only audits.
const FINETUNE = row({
  patched: 'node affinity',
  audited: true,
  why: ['audit annotation <webhook>/audit: [namespace-quota] exceeds …'],
  rules: ['namespace-quota'],
});

describe('outcomeText', () => {
  it.each([
    [row({ outcome: 'denied', patched: 'node affinity', rules: ['image-registry'] }), 'DENIED'],
    [row({ patched: 'node affinity' }), 'allowed, patched'],
    [row({ outcome: 'allowed with warnings' }), 'allowed with warnings'],
    [FINETUNE, 'allowed in audit mode, patched'],
  ])('given %o, returns %s', (given, text) => expect(outcomeText(given)).toBe(text));
});

describe('admissionLine', () => {
  it('given denied, warned and audited rows, counts each, and the audited one apart', () => {
    const rows = [row({}), row({ outcome: 'allowed with warnings' }), FINETUNE, row({ outcome: 'denied' })];
    expect(admissionLine(rows)).toBe(
      '4 objects reviewed: 3 admitted (1 with warnings, 1 in audit mode despite a broken rule), 1 denied',
    );
  });

  it('given nothing audited, does not mention audit mode', () => {
    expect(admissionLine([row({})])).toBe('1 object reviewed: 1 admitted (0 with warnings), 0 denied');
  });
});

describe('refusalText', () => {
  it('given a node only a smaller group names, shows that group too and counts the rest', () => {
    const groups = [
      { rule: 'affinity', nodes: ['a', 'b', 'c'], example: 'affinity' },
      { rule: 'taint x', nodes: ['a', 'b'], example: 'taint x' },
      { rule: 'taint y', nodes: ['a'], example: 'taint y' },
      { rule: 'spread', nodes: ['d'], example: 'd is full' },
    ];
    expect(refusalText(groups)).toBe('3× affinity; 2× taint x; 1× spread (d is full); and 1 more reason');
  });
});

describe('storageLine', () => {
  const step = (outcome: StorageStep['outcome'], result = ''): StorageStep => ({
    step: 's',
    rpc: 'R',
    outcome,
    result,
  });

  it('given node steps skipped without root, counts them apart from the steps that ran', () => {
    const steps = [
      step('ok'),
      step('skipped', 'that needs root'),
      step('refused as expected'),
      step('skipped'),
    ];
    expect(storageLine({ services: [], steps })).toBe(
      '2 of 2 storage steps as expected; 2 node steps skipped: that needs root',
    );
  });

  it('given a failed step, does not count it as expected', () => {
    expect(storageLine({ services: [], steps: [step('ok'), step('failed')] })).toBe(
      '1 of 2 storage steps as expected',
    );
  });

  it('given the part skipped, says why', () => {
    expect(storageLine({ skipped: '--no-ceph was given', services: [], steps: [] })).toBe(
      'storage skipped (--no-ceph was given)',
    );
  });
});

describe('renderSummary', () => {
  const scheduled = (pod: string, chosen?: string): ScheduleRow => ({
    pod,
    nodes: 3,
    afterKube: 2,
    afterExtender: chosen ? 1 : 0,
    ...(chosen ? { chosen } : {}),
    kubeRefusals: [],
    extenderRefusals: [],
  });
  const report = (scheduling: ScheduleRow[], admission: AdmissionRow[]): WalkthroughReport => ({
    workspace: '/tmp/x',
    services: [],
    admission,
    notReviewed: [],
    scheduling,
    storage: { skipped: '--no-ceph', services: [], steps: [] },
    failures: [],
    serviceLogs: [],
  });

  it('given one pod and one object, says "1 pod" and "1 object"; given two, the plurals', () => {
    const one = renderSummary(report([scheduled('a/p', 'n1')], [row({})]));
    expect(one).toContain('  1 object reviewed: 1 admitted (0 with warnings), 0 denied\n');
    expect(one).toContain('  1 pod scheduled: 1 placed, 0 pending\n');
    const two = renderSummary(report([scheduled('a/p', 'n1'), scheduled('a/q')], [row({}), row({})]));
    expect(two).toContain('  2 pods scheduled: 1 placed, 1 pending\n');
    expect(two).toContain('  storage skipped (--no-ceph)\n');
  });
});
