import {
  checkPolicySet,
  describeProblem,
  problemIdentity,
  unusableDefaultProblems,
  validateDepartment,
  validateNamespacePolicy,
  type Department,
  type NamespaceInfo,
  type NamespacePolicy,
  type PolicyProblem,
  type PolicySet,
} from '@corral/policy';
import type { ClusterSnapshot } from '@corral/cluster';
import { fail, pass, skip, warn, type Decision } from './decision.js';
import { departmentMoves } from './department-moves.js';
import { asObject } from './pod-spec.js';
import type { AdmissionRequest } from './request.js';

export const POLICY_OBJECT_RULE = 'policy-object-valid';

const MAX_LISTED = 5;

/** systemNamespaces is optional: a view without it has none. */
export type PolicySetView = Pick<
  ClusterSnapshot,
  'departments' | 'namespaces' | 'namespacePolicy' | 'departmentOfNamespace' | 'usageOfNamespace'
> &
  Partial<Pick<ClusterSnapshot, 'systemNamespaces'>>;

type Kind = 'Department' | 'NamespacePolicy';
type PolicyObject = Department | NamespacePolicy;
type Current = Omit<PolicySet, 'source'> & { readonly namespaces: NamespaceInfo[] };

function listProblems(problems: readonly PolicyProblem[]): string {
  const shown = problems.slice(0, MAX_LISTED).map((problem) => describeProblem(problem));
  const more = problems.length > MAX_LISTED ? `; and ${problems.length - MAX_LISTED} more` : '';
  return `${shown.join('; ')}${more}`;
}

interface Named {
  readonly name?: unknown;
  readonly namespace?: unknown;
}

const metadataOf = (object: unknown): Named => (asObject(asObject(object)?.['metadata']) ?? {}) as Named;

const sameObject = (a: Named, b: Named) => a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

/** Is the problem filed against the object under review (by kind, name and namespace)? */
const isOf = (problem: PolicyProblem, kind: Kind, object: unknown) =>
  problem.kind === kind && sameObject(problem, metadataOf(object));

/** The applied policy set as the snapshot holds it, and the namespaces no department may hold. */
function currentSet(view: PolicySetView): Current {
  const namespaces = [...view.namespaces()];
  const policies = namespaces
    .map((ns) => view.namespacePolicy(ns.name))
    .filter((p): p is NamespacePolicy => p !== undefined);
  const systemNamespaces = view.systemNamespaces?.() ?? [];
  return { departments: [...view.departments()], policies, namespaces, systemNamespaces };
}

/** The set with `object` in place of the snapshot's copy of it (or added). */
function withObject(current: Current, kind: Kind, object: PolicyObject): Current {
  const departments = current.departments.filter(
    (d) => kind !== 'Department' || !sameObject(d.metadata, object.metadata),
  );
  const policies = current.policies.filter(
    (p) => kind !== 'NamespacePolicy' || !sameObject(p.metadata, object.metadata),
  );
  if (kind === 'Department') departments.push(object as Department);
  else policies.push(object as NamespacePolicy);
  return { ...current, departments, policies };
}

/**
 * Every problem a write of `object` meets: its field problems when it is invalid on its own, else
 * defaults pods could not take (NamespacePolicy) and every problem of the policy set with it in
 * place; with the valid object, else undefined.
 */
function problemsWith(
  kind: Kind,
  object: unknown,
  current: Current,
): { problems: PolicyProblem[]; valid?: PolicyObject } {
  const result = kind === 'Department' ? validateDepartment(object) : validateNamespacePolicy(object);
  if (!result.ok) return { problems: result.problems };
  const defaults = kind === 'NamespacePolicy' ? unusableDefaultProblems(result.value as NamespacePolicy) : [];
  // No `source`: it would prefix each message (files name their path there); the request names the object.
  const set = checkPolicySet(withObject(current, kind, result.value));
  return { problems: [...defaults, ...set], valid: result.value };
}

/**
 * How two problems are told apart: those of the object under review by their whole text (a field
 * that holds another wrong value is a new problem), those of other objects by field (their messages
 * quote the object under review, so a step towards a fix reads differently but is the same problem).
 */
const identityOf = (problem: PolicyProblem, kind: Kind, object: unknown) =>
  isOf(problem, kind, object) ? `own ${describeProblem(problem)}` : problemIdentity(problem);

interface Judged {
  /** Problems the write brings: it is refused for them. */
  readonly brought: PolicyProblem[];
  /** The object's own problems it already had (an UPDATE): allowed, and warned about. */
  readonly kept: PolicyProblem[];
  readonly valid?: PolicyObject;
}

/**
 * The problems a write brings. A CREATE: every problem of the object, and any new one it brings about
 * elsewhere (a conflict is filed against the younger of two objects, so an update of an older
 * Department that takes a younger one's namespaces shows up as a new problem of the younger one).
 * An UPDATE is judged against its oldObject, as kube-apiserver ratchets CRD validation: problems the
 * object already had are kept, not refused, so that labels, annotations, finalizers and partial
 * fixes of an object stored before Corral checked it (or while the webhook was away) still go in.
 */
function judge(request: AdmissionRequest, kind: Kind, current: Current): Judged {
  const { object, oldObject } = request;
  const after = problemsWith(kind, object, current);
  const ratchet = request.operation === 'UPDATE' && asObject(oldObject) !== undefined;
  // Other objects' problems as the snapshot has them (an invalid old object is not in it), and, for
  // an UPDATE, every problem with the old object in place.
  const applied = checkPolicySet(current).filter((p) => !isOf(p, kind, object));
  const before = ratchet ? [...applied, ...problemsWith(kind, oldObject, current).problems] : applied;
  const known = new Set(before.map((problem) => identityOf(problem, kind, object)));
  const brought: PolicyProblem[] = [];
  const kept: PolicyProblem[] = [];
  for (const problem of after.problems) {
    const own = isOf(problem, kind, object);
    const old = known.has(identityOf(problem, kind, object));
    if (old && own && ratchet) kept.push(problem);
    else if (!old || own) brought.push(problem);
  }
  return after.valid === undefined ? { brought, kept } : { brought, kept, valid: after.valid };
}

function keptWarning(kind: Kind, object: unknown, kept: readonly PolicyProblem[]): Decision {
  const name = String(metadataOf(object).name ?? '');
  return warn(
    POLICY_OBJECT_RULE,
    `${kind} ${name} still has problems it had before this update, for which Corral ignores it ` +
      `(see its Valid condition): ${listProblems(kept)}`,
  );
}

/** Does the UPDATE change the spec (the only part whose problems Corral judges)? */
const specChanged = (request: AdmissionRequest): boolean =>
  JSON.stringify(asObject(request.object)?.['spec']) !==
  JSON.stringify(asObject(request.oldObject)?.['spec']);

/**
 * Validates a Department or NamespacePolicy write beyond what the CRD schema can: every field
 * problem, then (NamespacePolicy) defaults that would make the pods they are written into fail
 * kube-apiserver's validation, then its conflicts with the applied policies (a namespace claimed
 * twice, a NamespacePolicy wider than its department, a shared RADOS namespace, a system namespace
 * selected): 422 listing the problems the write brings (see judge; those an UPDATE keeps are warned
 * about). A subresource write (`status`, Corral's own) is never judged: the spec does not change
 * there. A Department write that moves namespaces holding pods or claims in or out of it is warned
 * about (departmentMoves).
 */
export function checkPolicyRequest(request: AdmissionRequest, view: PolicySetView): Decision[] {
  const kind: Kind = request.kind.kind === 'Department' ? 'Department' : 'NamespacePolicy';
  if (request.subResource) return [skip(POLICY_OBJECT_RULE, 'subresource: the spec does not change')];
  const current = currentSet(view);
  const { brought, kept, valid } = judge(request, kind, current);
  if (brought.length > 0) {
    return [fail(POLICY_OBJECT_RULE, `invalid ${kind}: ${listProblems(brought)}; fix these fields`, 422)];
  }
  const decisions = [pass(POLICY_OBJECT_RULE)];
  if (kept.length > 0) decisions.push(keptWarning(kind, request.object, kept));
  const moves = request.operation === 'CREATE' || specChanged(request);
  if (kind === 'Department' && valid !== undefined && moves) {
    const after = withObject(current, kind, valid);
    decisions.push(...departmentMoves(valid as Department, current, after, view));
  }
  return decisions;
}
