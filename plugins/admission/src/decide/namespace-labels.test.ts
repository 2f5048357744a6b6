import { snapshotFromFiles } from '../testing/example-snapshot.js';
import type { Decision } from './decision.js';
import { NOTHING_RESERVED } from './quota.js';
import type { AdmissionRequest } from './request.js';
import { DEFAULT_RULE_SETTINGS } from './settings.js';
import { validateRequest } from './validate.js';

const LABEL = 'corral.dev/department';
const snapshot = await snapshotFromFiles();
// Two more departments: `labs` claims namespaces labelled team=labs (so a namespace can be claimed
// twice), `tiny` has a quota research-batch's usage does not fit.
const department = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'corral.dev/v1alpha1',
  kind: 'Department',
  metadata: { name },
  spec,
});
snapshot.upsert(
  'Department',
  department('labs', { namespaceSelector: { matchLabels: { team: 'labs' } } }),
  't',
);
snapshot.upsert(
  'Department',
  department('tiny', { quota: { hard: { 'requests.cpu': '1', pods: '1' } } }),
  't',
);
snapshot.upsert('Namespace', { metadata: { name: 'web-empty', labels: { [LABEL]: 'web' } } }, 't');
// A conflict the cluster already has: `dup` is claimed by research and labs.
snapshot.upsert(
  'Namespace',
  { metadata: { name: 'dup', labels: { [LABEL]: 'research', team: 'labs' } } },
  't',
);

const validate = (request: AdmissionRequest) =>
  validateRequest(request, snapshot, DEFAULT_RULE_SETTINGS, () => NOTHING_RESERVED).decisions;
const summary = (decisions: readonly Decision[]) =>
  decisions
    .filter((d) => d.outcome !== 'pass' && d.outcome !== 'skip')
    .map((d) => `${d.outcome}${d.code ? `:${d.code}` : ''}`);
const namespace = (name: string, labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
});
const relabel = (name: string, labels: Record<string, string>, subResource?: string): AdmissionRequest => ({
  uid: 'u',
  kind: { group: '', version: 'v1', kind: 'Namespace' },
  name,
  namespace: name,
  operation: 'UPDATE',
  object: namespace(name, labels),
  oldObject: namespace(name, { ...snapshot.namespace(name)?.labels }),
  ...(subResource ? { subResource } : {}),
});
const create = (name: string, labels: Record<string, string>): AdmissionRequest => ({
  uid: 'u',
  kind: { group: '', version: 'v1', kind: 'Namespace' },
  name,
  operation: 'CREATE',
  object: namespace(name, labels),
});

describe('validateRequest: namespace department labels', () => {
  const cases: [what: string, request: AdmissionRequest, expected: string[]][] = [
    ['finance-prod leaves its department', relabel('finance-prod', {}), ['warn', 'warn']],
    // finance-prod's NamespacePolicy allows harbor.example.com/finance/…, outside research's list
    ['finance-prod into research', relabel('finance-prod', { [LABEL]: 'research' }), ['fail:422']],
    ['research-batch into web', relabel('research-batch', { [LABEL]: 'web' }), ['warn', 'warn']],
    [
      'research-batch into tiny (over quota)',
      relabel('research-batch', { [LABEL]: 'tiny' }),
      ['warn', 'warn', 'warn'],
    ],
    ['sandbox joins research', relabel('sandbox', { [LABEL]: 'research' }), ['warn', 'warn']],
    [
      'research-batch claimed twice',
      relabel('research-batch', { [LABEL]: 'research', team: 'labs' }),
      ['fail:422'],
    ],
    ['web-empty (nothing running) into research', relabel('web-empty', { [LABEL]: 'research' }), []],
    ['web-empty leaves web', relabel('web-empty', {}), []],
    ['finance-prod keeps its department', relabel('finance-prod', { [LABEL]: 'finance', tier: 'gold' }), []],
    [
      'finance-prod into an unknown department',
      relabel('finance-prod', { [LABEL]: 'nope' }),
      ['warn', 'warn', 'warn'],
    ],
    ['a status update', relabel('finance-prod', {}, 'status'), []],
    ['a new namespace for web', create('web-new', { [LABEL]: 'web' }), []],
    ['a new namespace of no department', create('plain', {}), []],
    ['a new namespace claimed twice', create('both', { [LABEL]: 'research', team: 'labs' }), ['fail:422']],
  ];

  it.each(cases)('given %s, returns %j', (_what, request, expected) => {
    expect(summary(validate(request))).toEqual(expected);
  });

  describe('with --department-editors', () => {
    const settings = {
      ...DEFAULT_RULE_SETTINGS,
      departmentEditors: ['group:platform-admins', 'user:ops-bot'],
    };
    const as = (request: AdmissionRequest, username: string, groups: string[] = []) =>
      validateRequest(
        { ...request, userInfo: { username, groups } },
        snapshot,
        settings,
        () => NOTHING_RESERVED,
      ).decisions;
    it.each([
      ['a tenant taking its namespace out of its department', relabel('finance-prod', {})],
      ['a tenant moving its namespace to another department', relabel('research-batch', { [LABEL]: 'web' })],
      ['a tenant creating a namespace in a department', create('web-new', { [LABEL]: 'web' })],
    ])('given %s, refuses (403) and says who may', (_what, request) => {
      const decisions = as(request, 'alice', ['system:authenticated']);
      expect(summary(decisions)).toEqual(['fail:403']);
      expect(decisions.find((d) => d.outcome === 'fail')?.message).toMatch(
        /^alice may not move namespace .*--department-editors/,
      );
    });

    it('given an editor by group or by name, allows the move (with its warnings)', () => {
      expect(
        summary(as(relabel('research-batch', { [LABEL]: 'web' }), 'carol', ['platform-admins'])),
      ).toEqual(['warn', 'warn']);
      expect(summary(as(relabel('research-batch', { [LABEL]: 'web' }), 'ops-bot'))).toEqual(['warn', 'warn']);
    });

    it("given a tenant's label change right after an editor's move the snapshot has not seen yet, allows it", () => {
      // The API server's old object already has web's label; the snapshot still shows research.
      const request = {
        ...relabel('research-batch', { [LABEL]: 'web', tier: 'gold' }),
        oldObject: namespace('research-batch', { [LABEL]: 'web' }),
      };
      expect(summary(as(request, 'alice')).filter((outcome) => outcome.startsWith('fail'))).toEqual([]);
    });

    it("given a tenant moving it back right after an editor's move the snapshot has not seen yet, refuses it", () => {
      // The API server's old object has web's label (the editor's move); the snapshot still shows
      // research, the labels the tenant sets again.
      const request = {
        ...relabel('research-batch', { [LABEL]: 'research' }),
        oldObject: namespace('research-batch', { [LABEL]: 'web' }),
      };
      expect(summary(as(request, 'alice'))).toEqual(['fail:403']);
    });

    it('given a tenant changing other labels only, allows it', () => {
      expect(summary(as(relabel('finance-prod', { [LABEL]: 'finance', tier: 'gold' }), 'alice'))).toEqual([]);
      expect(summary(as(create('plain', {}), 'alice'))).toEqual([]);
    });
  });

  const messages = (request: AdmissionRequest) =>
    validate(request)
      .filter((d) => d.outcome !== 'pass')
      .map((d) => d.message);

  it('given a namespace leaving its department, says what escapes and stays', () => {
    expect(messages(relabel('finance-prod', {}))).toEqual([
      "finance-prod: 5 pods, 1 claim leave finance's quota, image rules and placement",
      'running pods of finance-prod keep their nodes until recreated',
    ]);
  });

  it('given a namespace moving, says where its usage goes and whether it fits', () => {
    expect(messages(relabel('research-batch', { [LABEL]: 'web' }))).toEqual([
      "research-batch: 2 pods move from research's to web's quota, image rules and placement",
      'running pods of research-batch keep their nodes until recreated',
    ]);
    expect(messages(relabel('research-batch', { [LABEL]: 'tiny' }))[1]).toBe(
      "tiny's quota would be over: requests.cpu 8 of 1, pods 2 of 1",
    );
    expect(messages(relabel('sandbox', { [LABEL]: 'research' }))[0]).toBe(
      "sandbox: 1 pod join department research's quota, image rules and placement",
    );
  });

  it('given labels that make a NamespacePolicy wider than its new department, names it and the fix (422)', () => {
    const [decision] = validate(relabel('finance-prod', { [LABEL]: 'research' }));
    expect(decision).toMatchObject({ rule: 'namespace-department', outcome: 'fail', code: 422 });
    expect(decision?.message).toContain(
      'NamespacePolicy finance-prod/policy: /spec/images/allowedRegistries/0',
    );
    expect(decision?.message).toContain("outside Department research's allowedRegistries");
    expect(decision?.message).toContain("fix those objects first, or keep the namespace's department labels");
  });

  it('given labels two departments select, names the conflict (422)', () => {
    const [decision] = validate(relabel('research-batch', { [LABEL]: 'research', team: 'labs' }));
    expect(decision?.message).toMatch(
      /namespace research-batch is also claimed by Department (labs|research)/,
    );
  });

  it('given a problem the policies already have, does not blame the namespace for it', () => {
    expect(snapshot.problems().some((p) => p.message.includes('namespace dup is also claimed'))).toBe(true);
    // web-empty changes department (so the policy set is checked), with dup's conflict in place.
    expect(summary(validate(relabel('web-empty', { [LABEL]: 'research' })))).toEqual([]);
    // Relabelling dup to one department resolves the conflict: nothing new, nothing refused.
    expect(summary(validate(relabel('dup', { [LABEL]: 'research' })))).toEqual([]);
  });
});
