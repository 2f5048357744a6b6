import { rawDepartment, rawNamespace, rawNamespacePolicy, SnapshotStore } from '@corral/cluster';
import type { Decision } from './decision.js';
import { checkPolicyRequest, type PolicySetView } from './policy-objects.js';

/** The decision on a Department CREATE or UPDATE with no oldObject (as `corral check` sends). */
const checkPolicyObject = (kind: string, object: unknown, view: PolicySetView): Decision | undefined =>
  checkPolicyRequest(
    { uid: 'u', kind: { group: 'corral.dev', version: 'v1alpha1', kind }, operation: 'CREATE', object },
    view,
  )[0];

const T1 = '2024-01-01T00:00:00Z';
const finance = (hard: Record<string, string>, registries: string[]) =>
  rawDepartment('finance', { quota: { hard }, images: { allowedRegistries: registries } }, T1);

/**
 * A policy set that already has a problem: NamespacePolicy fin-a/p asks more cpu than its Department
 * allows (finance's quota was lowered after it, e.g. while the webhook was away).
 */
function storeWithOldProblem(): SnapshotStore {
  const store = new SnapshotStore();
  store.upsert('Department', finance({ 'requests.cpu': '12' }, ['harbor.example.com/']), 'test');
  store.upsert('Namespace', rawNamespace('fin-a', { 'corral.dev/department': 'finance' }), 'test');
  const policy = {
    quota: { hard: { 'requests.cpu': '10' } },
    images: { allowedRegistries: ['harbor.example.com/library/'] },
  };
  store.upsert('NamespacePolicy', rawNamespacePolicy('fin-a', 'p', policy, T1), 'test');
  store.upsert('Department', finance({ 'requests.cpu': '8' }, ['harbor.example.com/finance/']), 'test');
  expect(store.problems().length).toBeGreaterThan(0);
  return store;
}

describe('checkPolicyObject with a problem the policies already have', () => {
  it.each([
    ['the same Department again', finance({ 'requests.cpu': '8' }, ['harbor.example.com/finance/'])],
    [
      'a step towards the fix (quota 8 → 9)',
      finance({ 'requests.cpu': '9' }, ['harbor.example.com/finance/']),
    ],
    [
      'an unrelated registry added',
      finance({ 'requests.cpu': '8' }, ['harbor.example.com/finance/', 'harbor.example.com/other/']),
    ],
  ])('given %s, passes: the old problem only quotes other values now', (_what, department) => {
    expect(checkPolicyObject('Department', department, storeWithOldProblem())).toMatchObject({
      outcome: 'pass',
    });
  });

  it('given a change that brings a problem of its own (a memory quota below the policy), refuses it (422)', () => {
    const store = storeWithOldProblem();
    store.upsert(
      'NamespacePolicy',
      rawNamespacePolicy(
        'fin-a',
        'p',
        { quota: { hard: { 'requests.cpu': '10', 'requests.memory': '4Gi' } } },
        T1,
      ),
      'test',
    );
    const lowered = finance({ 'requests.cpu': '8', 'requests.memory': '1Gi' }, [
      'harbor.example.com/finance/',
    ]);
    expect(checkPolicyObject('Department', lowered, store)).toMatchObject({ outcome: 'fail', code: 422 });
  });
});

describe('checkPolicyObject with Departments on one Ceph pool', () => {
  const T0 = '2023-01-01T00:00:00Z';
  /** A store with Department `research` on pool rbd without radosNamespace: its volumes go to rbd/research. */
  function storeWithResearch(): SnapshotStore {
    const store = new SnapshotStore();
    store.upsert('Department', rawDepartment('research', { storage: { pool: 'rbd' } }, T0), 'test');
    return store;
  }

  it('given a new Department on the same pool without radosNamespace, passes: its volumes go to rbd/<its name>', () => {
    const hr = rawDepartment('hr', { storage: { pool: 'rbd' } });
    expect(checkPolicyObject('Department', hr, storeWithResearch())).toMatchObject({ outcome: 'pass' });
  });

  it("given a new Department naming research's RADOS namespace, refuses it (422) naming the field and research", () => {
    const hr = rawDepartment('hr', { storage: { pool: 'rbd', radosNamespace: 'research' } });
    const decision = checkPolicyObject('Department', hr, storeWithResearch());
    expect(decision).toMatchObject({ rule: 'policy-object-valid', outcome: 'fail', code: 422 });
    expect(decision?.message).toMatch(
      /Department hr: \/spec\/storage: radosNamespace research in pool rbd is also used by Department research/,
    );
  });

  it('names the conflict without a source prefix: the message starts `invalid Department: Department hr:`', () => {
    const hr = rawDepartment('hr', { storage: { pool: 'rbd', radosNamespace: 'research' } });
    const decision = checkPolicyObject('Department', hr, storeWithResearch());
    expect(decision?.message).toMatch(/^invalid Department: Department hr: \/spec\/storage: /);
    expect(decision?.message).not.toContain('admission:');
  });
});
