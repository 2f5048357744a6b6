import { rawDepartment, rawNamespace, rawPod, SnapshotStore } from '@corral/cluster';
import type { Decision } from './decision.js';
import { NOTHING_RESERVED } from './quota.js';
import type { AdmissionRequest } from './request.js';
import { DEFAULT_RULE_SETTINGS } from './settings.js';
import { validateRequest } from './validate.js';

const T1 = '2024-01-01T00:00:00Z';
const T2 = '2024-02-01T00:00:00Z';
type Json = Record<string, unknown>;

/**
 * finance (older) owns fin-a and fin-b by its label; fin-a runs two pods. research (younger) claims
 * fin-b too, a conflict it loses (stored while the webhook was away): research is the Department
 * with a problem of its own. team has a spec Corral refuses (pods 1.5), stored before Corral ran.
 */
function store(): SnapshotStore {
  const snapshot = new SnapshotStore();
  snapshot.replaceAll(
    'Namespace',
    [
      rawNamespace('fin-a', { 'corral.dev/department': 'finance' }),
      rawNamespace('fin-b', { 'corral.dev/department': 'finance', tier: 'shared' }),
    ],
    'test',
  );
  snapshot.replaceAll('Pod', [rawPod('fin-a', 'p1'), rawPod('fin-a', 'p2')], 'test');
  snapshot.replaceAll(
    'Department',
    [rawDepartment('finance', {}, T1), rawDepartment('research', RESEARCH_SPEC, T2)],
    'test',
  );
  return snapshot;
}
const RESEARCH_SPEC = { namespaceSelector: { matchLabels: { tier: 'shared' } } };

const department = (name: string, spec: Json, metadata: Json = {}): Json => ({
  ...rawDepartment(name, spec, name === 'finance' ? T1 : T2),
  metadata: { name, creationTimestamp: name === 'finance' ? T1 : T2, uid: `uid-${name}`, ...metadata },
});

function review(
  operation: 'CREATE' | 'UPDATE',
  object: Json,
  oldObject?: Json,
  extra: Partial<AdmissionRequest> = {},
) {
  const name = (object['metadata'] as { name: string }).name;
  const request: AdmissionRequest = {
    uid: 'u',
    kind: { group: 'corral.dev', version: 'v1alpha1', kind: 'Department' },
    name,
    operation,
    object,
    ...(oldObject ? { oldObject } : {}),
    ...extra,
  };
  return validateRequest(request, store(), DEFAULT_RULE_SETTINGS, () => NOTHING_RESERVED).decisions;
}

const denial = (decisions: readonly Decision[]) => decisions.find((d) => d.outcome === 'fail');
const warnings = (decisions: readonly Decision[]) =>
  decisions.filter((d) => d.outcome === 'warn').map((d) => d.message);

describe('validateRequest: Department updates against what the object already was', () => {
  const invalid = department('team', { quota: { hard: { pods: '1.5' } } });

  it('given a status-subresource update of a Department whose spec Corral refuses, allows it', () => {
    // Corral's own status writer reports the refusal there (Valid=False): it must never be refused.
    const decisions = review('UPDATE', invalid, invalid, { subResource: 'status' });
    // Skipped, not judged: the same write to the main resource is allowed too (nothing new), but
    // with a warning about the problem it keeps, which Corral's own writes must not draw.
    expect(decisions).toEqual([
      { rule: 'policy-object-valid', outcome: 'skip', message: 'subresource: the spec does not change' },
    ]);
    expect(warnings(review('UPDATE', invalid, invalid))).not.toEqual([]);
  });

  it('given the removal of the last finalizer of a Department being deleted, allows it (spec unchanged)', () => {
    const deleting = { deletionTimestamp: T2, finalizers: ['example.com/cleanup'] };
    const before = department('team', { quota: { hard: { pods: '1.5' } } }, deleting);
    const after = department('team', { quota: { hard: { pods: '1.5' } } }, { deletionTimestamp: T2 });
    expect(denial(review('UPDATE', after, before))).toBeUndefined();
  });

  it('given a label added to a Department that already lost a namespace claim, allows it and warns what still is wrong', () => {
    const before = department('research', RESEARCH_SPEC);
    const after = department('research', RESEARCH_SPEC, { labels: { owner: 'ml' } });
    const decisions = review('UPDATE', after, before);
    expect(denial(decisions)).toBeUndefined();
    expect(warnings(decisions).join('\n')).toMatch(/research.*fin-b/);
  });

  it('given an update fixing one of two problems, allows it and warns about the other', () => {
    const before = department('team', { quota: { hard: { pods: '1.5', 'requests.cpu': 'lots' } } });
    const after = department('team', { quota: { hard: { pods: '1.5', 'requests.cpu': '2' } } });
    const decisions = review('UPDATE', after, before);
    expect(denial(decisions)).toBeUndefined();
    expect(warnings(decisions).join('\n')).toContain('/spec/quota/hard/pods');
  });

  it('given an update that brings a problem of its own beside an old one, refuses it naming only the new one', () => {
    const before = department('team', { quota: { hard: { pods: '1.5' } } });
    const after = department('team', { quota: { hard: { pods: '1.5', 'requests.cpu': 'lots' } } });
    const refused = denial(review('UPDATE', after, before));
    expect(refused).toMatchObject({ rule: 'policy-object-valid', code: 422 });
    expect(refused?.message).toContain('/spec/quota/hard/requests.cpu');
    expect(refused?.message).not.toContain('/spec/quota/hard/pods');
  });

  it('given a CREATE of an invalid Department, still refuses it whatever the snapshot holds', () => {
    expect(denial(review('CREATE', invalid))).toMatchObject({ code: 422 });
  });
});

describe('validateRequest: a Department update that changes which namespaces it owns', () => {
  it('given a namespaceSelector that drops namespaces with pods, allows it and warns they fall under no department', () => {
    const before = department('finance', {});
    const after = department('finance', {
      namespaceSelector: { matchLabels: { 'corral.dev/department': 'fin' } },
    });
    const decisions = review('UPDATE', after, before);
    expect(denial(decisions)).toBeUndefined();
    const text = warnings(decisions).join('\n');
    expect(text).toContain('fin-a: 2 pods leave department finance');
    expect(text).toContain('labelled corral.dev/department=finance');
    // fin-b holds nothing: it moves without a word (to research, which claimed it too)
    expect(text).not.toContain('fin-b:');
  });

  it('given an update that keeps its namespaces, warns nothing', () => {
    const before = department('finance', {});
    const after = department('finance', { nodeIsolation: 'dedicated' });
    expect(warnings(review('UPDATE', after, before))).toEqual([]);
  });
});

describe('validateRequest: fixing a Department the snapshot never held', () => {
  it('given an invalid stored Department made valid, allows it despite another object’s old problem', () => {
    // research's lost claim on fin-b is older than this write and not brought by it.
    const before = department('team', { quota: { hard: { pods: '1.5' } } });
    const after = department('team', { quota: { hard: { pods: '2' } } });
    expect(denial(review('UPDATE', after, before))).toBeUndefined();
  });
});
