import {
  checkPolicySet,
  describeProblem,
  problemIdentity,
  unusableDefaultProblems,
  validateDepartment,
  validateNamespacePolicy,
  type Department,
  type NamespacePolicy,
  type PolicyProblem,
} from '@corral/policy';
import type { ClusterSnapshot } from '@corral/cluster';
import { fail, pass, type Decision } from './decision.js';

export const POLICY_OBJECT_RULE = 'policy-object-valid';

const MAX_LISTED = 5;

export type PolicySetView = Pick<ClusterSnapshot, 'departments' | 'namespaces' | 'namespacePolicy'>;

function listProblems(problems: readonly PolicyProblem[]): string {
  const shown = problems.slice(0, MAX_LISTED).map((problem) => describeProblem(problem));
  const more = problems.length > MAX_LISTED ? `; and ${problems.length - MAX_LISTED} more` : '';
  return `${shown.join('; ')}${more}`;
}

const sameObject = (a: { metadata: { name: string; namespace?: string } }, b: typeof a) =>
  a.metadata.name === b.metadata.name && (a.metadata.namespace ?? '') === (b.metadata.namespace ?? '');

const isOf = (problem: PolicyProblem, kind: string, object: Department | NamespacePolicy) =>
  problem.kind === kind &&
  problem.name === object.metadata.name &&
  (problem.namespace ?? '') === (object.metadata.namespace ?? '');

/**
 * Problems between the incoming object and the policies already applied (claims, widening, storage):
 * those filed against the object itself, and any new one it brings about elsewhere. A conflict is
 * filed against the younger of two objects, so an update of an older Department that takes a younger
 * one's namespaces or RADOS namespace shows up as a new problem of the younger one, which would then
 * lose its namespaces or its storage.
 */
function conflictsWith(
  kind: 'Department' | 'NamespacePolicy',
  object: Department | NamespacePolicy,
  view: PolicySetView,
): PolicyProblem[] {
  const namespaces = [...view.namespaces()];
  const allDepartments = [...view.departments()];
  const allPolicies = namespaces
    .map((ns) => view.namespacePolicy(ns.name))
    .filter((p): p is NamespacePolicy => p !== undefined);
  const baseline = new Set(
    checkPolicySet({
      departments: allDepartments,
      policies: allPolicies,
      namespaces,
      source: 'admission',
    }).map((problem) => problemIdentity(problem)),
  );
  const departments = allDepartments.filter((d) => kind !== 'Department' || !sameObject(d, object));
  const policies = allPolicies.filter((p) => kind !== 'NamespacePolicy' || !sameObject(p, object));
  if (kind === 'Department') departments.push(object as Department);
  else policies.push(object as NamespacePolicy);
  const problems = checkPolicySet({ departments, policies, namespaces, source: 'admission' });
  return problems.filter((p) => isOf(p, kind, object) || !baseline.has(problemIdentity(p)));
}

/** A valid object's problems on write: defaults pods could not take, then conflicts. */
function writeProblems(
  kind: 'Department' | 'NamespacePolicy',
  object: Department | NamespacePolicy,
  view: PolicySetView,
) {
  const defaults = kind === 'NamespacePolicy' ? unusableDefaultProblems(object as NamespacePolicy) : [];
  return [...defaults, ...conflictsWith(kind, object, view)];
}

/**
 * Validates a Department or NamespacePolicy beyond what the CRD schema can: every field problem, then
 * (NamespacePolicy) defaults that would make the pods they are written into fail kube-apiserver's
 * validation, then its conflicts with the applied policies (a namespace claimed twice, a
 * NamespacePolicy wider than its department, a shared RADOS namespace). 422 listing every problem.
 */
export function checkPolicyObject(kind: string, object: unknown, view: PolicySetView): Decision {
  const result = kind === 'Department' ? validateDepartment(object) : validateNamespacePolicy(object);
  const problems = result.ok
    ? writeProblems(kind === 'Department' ? 'Department' : 'NamespacePolicy', result.value, view)
    : result.problems;
  if (problems.length === 0) return pass(POLICY_OBJECT_RULE);
  return fail(POLICY_OBJECT_RULE, `invalid ${kind}: ${listProblems(problems)}; fix these fields`, 422);
}
