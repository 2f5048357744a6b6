import { snapshotFromFiles } from '../testing/example-snapshot.js';
import { staleDepartmentStatuses } from './department-status.js';
import { NOTHING_RESERVED } from './quota.js';
import type { AdmissionRequest } from './request.js';
import { DEFAULT_RULE_SETTINGS } from './settings.js';
import { validateRequest } from './validate.js';

// System namespaces (kube-system, corral-system) never join a department: a Department selecting one
// is refused, a label putting one in a department is ignored (and said to be), and their pods count
// in no department's usage. The examples' kube-system runs coredns and metrics-server (200m cpu).
const LABEL = 'corral.dev/department';
const NAME = 'kubernetes.io/metadata.name';

const validate = async (request: AdmissionRequest, setup?: (s: Snapshot) => void) => {
  const snapshot = await snapshotFromFiles();
  setup?.(snapshot);
  return validateRequest(request, snapshot, DEFAULT_RULE_SETTINGS, () => NOTHING_RESERVED).decisions;
};
type Snapshot = Awaited<ReturnType<typeof snapshotFromFiles>>;

const departmentWrite = (spec: Record<string, unknown>, old?: Record<string, unknown>): AdmissionRequest => {
  const object = (s: Record<string, unknown>) => ({
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'Department',
    metadata: { name: 'ops' },
    spec: s,
  });
  return {
    uid: 'u',
    kind: { group: 'corral.dev', version: 'v1alpha1', kind: 'Department' },
    name: 'ops',
    operation: old === undefined ? 'CREATE' : 'UPDATE',
    object: object(spec),
    ...(old === undefined ? {} : { oldObject: object(old) }),
  };
};
const selecting = (matchLabels: Record<string, string>, matchExpressions: unknown[] = []) => ({
  namespaceSelector: { matchLabels, ...(matchExpressions.length > 0 ? { matchExpressions } : {}) },
});
const notIn = (...values: string[]) => ({ key: NAME, operator: 'NotIn', values });
const outcomes = (decisions: readonly { outcome: string; code?: number }[]) =>
  decisions.filter((d) => d.outcome !== 'pass').map((d) => `${d.outcome}${d.code ? `:${d.code}` : ''}`);

describe('a Department selecting a system namespace', () => {
  it.each([
    ['kube-system by name', selecting({ [NAME]: 'kube-system' }), 'namespace kube-system, which never joins'],
    [
      'corral-system by name (not in the snapshot)',
      selecting({ [NAME]: 'corral-system' }),
      'namespace corral-system, which never joins',
    ],
    [
      'both, by an In expression',
      {
        namespaceSelector: {
          matchExpressions: [{ key: NAME, operator: 'In', values: ['kube-system', 'corral-system'] }],
        },
      },
      'namespaces kube-system, corral-system, which never join',
    ],
  ])('given %s, refuses it (422) naming the namespace and the fix', async (_, spec, named) => {
    const decisions = await validate(departmentWrite(spec));
    expect(outcomes(decisions)).toEqual(['fail:422']);
    expect(decisions[0]?.message).toContain(`selects system ${named} a department`);
    expect(decisions[0]?.message).toContain(`{key: ${NAME}, operator: NotIn, values: [`);
    expect(decisions[0]?.message).toContain(`or omit namespaceSelector to use ${LABEL}=ops`);
  });

  it('given kube-system labelled team=ops and a selector on team=ops, refuses it', async () => {
    const request = departmentWrite(selecting({ team: 'ops' }));
    const decisions = await validate(request, (s) =>
      s.upsert(
        'Namespace',
        { metadata: { name: 'kube-system', labels: { [NAME]: 'kube-system', team: 'ops' } } },
        't',
      ),
    );
    expect(outcomes(decisions)).toEqual(['fail:422']);
    expect(decisions[0]?.message).toMatch(/selects system namespace kube-system,/);
  });

  it('given the suggested NotIn term, allows it and warns of no move', async () => {
    const request = departmentWrite(selecting({ team: 'ops' }, [notIn('kube-system')]));
    const decisions = await validate(request, (s) =>
      s.upsert(
        'Namespace',
        { metadata: { name: 'kube-system', labels: { [NAME]: 'kube-system', team: 'ops' } } },
        't',
      ),
    );
    expect(outcomes(decisions)).toEqual([]);
  });

  it('given an UPDATE of one that already selected kube-system, keeps it (warned), as other kept problems', async () => {
    const spec = selecting({ [NAME]: 'kube-system' });
    const decisions = await validate(departmentWrite(spec, spec));
    expect(outcomes(decisions)).toEqual(['warn']);
    expect(decisions.map((d) => d.message).join('\n')).not.toMatch(/join department/);
  });
});

describe('a system namespace labelled for a department', () => {
  const relabel = (name: string, labels: Record<string, string>, old: Record<string, string> = {}) => ({
    uid: 'u',
    kind: { group: '', version: 'v1', kind: 'Namespace' },
    name,
    operation: 'UPDATE' as const,
    object: { metadata: { name, labels: { [NAME]: name, ...labels } } },
    oldObject: { metadata: { name, labels: { [NAME]: name, ...old } } },
  });

  it.each([
    [
      'kube-system into finance',
      relabel('kube-system', { [LABEL]: 'finance' }),
      `its label ${LABEL}=finance`,
    ],
    ['kube-system into a missing department', relabel('kube-system', { [LABEL]: 'nope' }), `${LABEL}=nope`],
    ['corral-system into web', relabel('corral-system', { [LABEL]: 'web' }), `${LABEL}=web`],
  ])('given %s, warns that the label is ignored there, never that pods join', async (_, request, label) => {
    const decisions = await validate(request);
    expect(outcomes(decisions)).toEqual(['warn']);
    expect(decisions[0]?.message).toMatch(
      /is a system namespace: Corral never acts on it and it never joins a department/,
    );
    expect(decisions[0]?.message).toContain(`${label} is ignored there`);
    expect(decisions[0]?.message).not.toMatch(/join department|quota, image rules and placement/);
  });

  it.each([
    ['an unrelated label', relabel('kube-system', { tier: 'x' })],
    [
      'the department label kept',
      relabel('kube-system', { [LABEL]: 'finance', tier: 'x' }, { [LABEL]: 'finance' }),
    ],
  ])('given %s, says nothing', async (_, request) => {
    expect(outcomes(await validate(request))).toEqual([]);
  });
});

describe("a labelled system namespace's usage", () => {
  const labelled = (s: Snapshot) =>
    s.upsert(
      'Namespace',
      { metadata: { name: 'kube-system', labels: { [NAME]: 'kube-system', [LABEL]: 'finance' } } },
      't',
    );

  it("counts in no Department's status.used nor namespaces", async () => {
    const snapshot = await snapshotFromFiles();
    labelled(snapshot);
    const finance = staleDepartmentStatuses(snapshot, '2030-01-01T00:00:00Z').find(
      (u) => u.name === 'finance',
    );
    expect(finance?.status.namespaces).toEqual(['finance-dev', 'finance-prod']);
    expect(finance?.status.used?.['requests.cpu']).toBe('4'); // examples/README.md: cpu 4 / 32
    expect(finance?.status.used?.['pods']).toBe('6');
  });

  it("counts in no department's quota: a pod that fits finance's quota exactly is admitted", async () => {
    const snapshot = await snapshotFromFiles();
    labelled(snapshot);
    // finance's pods quota: its 6 pods + 1 (kube-system's 2 would make it 8).
    snapshot.upsert(
      'Department',
      {
        ...snapshot.department('finance'),
        spec: { ...snapshot.department('finance')?.spec, quota: { hard: { pods: '7' } } },
      },
      't',
    );
    expect(snapshot.department('finance')?.spec.quota?.hard).toEqual({ pods: '7' });
    const pod = {
      uid: 'p',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      namespace: 'finance-prod',
      name: 'one-more',
      operation: 'CREATE' as const,
      object: {
        metadata: { name: 'one-more', namespace: 'finance-prod' },
        spec: {
          imagePullSecrets: [{ name: 'harbor-finance' }],
          containers: [
            {
              name: 'app',
              image:
                'harbor.example.com/library/app@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
              resources: {
                requests: { cpu: '50m', memory: '64Mi' },
                limits: { cpu: '500m', memory: '256Mi' },
              },
            },
          ],
        },
      },
    };
    const decisions = validateRequest(pod, snapshot, DEFAULT_RULE_SETTINGS, () => NOTHING_RESERVED).decisions;
    expect(decisions.filter((d) => d.outcome === 'fail').map((d) => d.message)).toEqual([]);
  });
});
