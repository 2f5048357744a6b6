import {
  checkPolicySet,
  DEPARTMENT_LABEL,
  departmentClaimsNamespace,
  describeProblem,
  problemIdentity,
  resolveConflicts,
  type Department,
  type NamespaceInfo,
  type NamespacePolicy,
  type PolicyProblem,
} from '@corral/policy';
import { formatUsageAmounts, usageUnits, type ClusterSnapshot, type Usage } from '@corral/cluster';
import { fail, pass, skip, warn, type Decision } from './decision.js';
import { asObject } from './pod-spec.js';
import { NOTHING_RESERVED, quotaExcesses, type QuotaScope } from './quota.js';
import { mayMoveNamespaces } from './department-editors.js';
import type { AdmissionRequest } from './request.js';

export const NAMESPACE_LABEL_RULE = 'namespace-department';

/** systemNamespaces is optional: a view without it has none. */
export type NamespaceLabelView = Pick<
  ClusterSnapshot,
  | 'department'
  | 'departments'
  | 'namespace'
  | 'namespaces'
  | 'namespacePolicy'
  | 'departmentOfNamespace'
  | 'usageOfNamespace'
  | 'usageOfDepartment'
> &
  Partial<Pick<ClusterSnapshot, 'systemNamespaces'>>;

const MAX_LISTED = 5;
const MAX_KEYS_LISTED = 2;

function labelsOf(object: unknown): Record<string, string> {
  const labels = asObject(asObject(asObject(object)?.['metadata'])?.['labels']) ?? {};
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) if (typeof value === 'string') strings[key] = value;
  return strings;
}

function nameOfNamespace(request: AdmissionRequest): string | undefined {
  const name = request.name || asObject(asObject(request.object)?.['metadata'])?.['name'];
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function unknownDepartment(labels: Record<string, string>, view: NamespaceLabelView): Decision {
  const wanted = labels[DEPARTMENT_LABEL];
  if (wanted === undefined || view.department(wanted) !== undefined) return pass(NAMESPACE_LABEL_RULE);
  return warn(
    NAMESPACE_LABEL_RULE,
    `no Department "${wanted}" exists; new pods and claims in the namespace are refused until an admin creates it`,
  );
}

/** The names of the departments whose namespaceSelector picks these labels, sorted. */
const claimantsOf = (departments: readonly Department[], labels: Record<string, string> | undefined) =>
  departments
    .filter((department) => departmentClaimsNamespace(department, labels))
    .map((department) => department.metadata.name)
    .sort()
    .join('\n');

function policiesOf(view: NamespaceLabelView, namespaces: readonly NamespaceInfo[]): NamespacePolicy[] {
  return namespaces
    .map((namespace) => view.namespacePolicy(namespace.name))
    .filter((policy): policy is NamespacePolicy => policy !== undefined);
}

/**
 * The policy-set problems (checkPolicySet, as for a Department or NamespacePolicy write) that the
 * namespace's new labels would bring and that are not there today: a namespace claimed by two
 * departments, a NamespacePolicy wider than the department it moves into.
 */
function newPolicyProblems(
  name: string,
  labels: Record<string, string>,
  view: NamespaceLabelView,
  departments: readonly Department[],
): PolicyProblem[] {
  const current = [...view.namespaces()];
  const policies = policiesOf(view, current);
  const baseline = new Set(
    checkPolicySet({ departments, policies, namespaces: current }).map(problemIdentity),
  );
  const relabelled = [...current.filter((namespace) => namespace.name !== name), { name, labels }];
  return checkPolicySet({ departments, policies, namespaces: relabelled }).filter(
    (problem) => !baseline.has(problemIdentity(problem)),
  );
}

function refuse(name: string, problems: readonly PolicyProblem[]): Decision {
  const shown = problems.slice(0, MAX_LISTED).map((problem) => describeProblem(problem));
  const more = problems.length > MAX_LISTED ? `; and ${problems.length - MAX_LISTED} more` : '';
  return fail(
    NAMESPACE_LABEL_RULE,
    `with these labels namespace ${name} would make the policies conflict: ${shown.join('; ')}${more}; ` +
      "fix those objects first, or keep the namespace's department labels",
    422,
  );
}

const plural = (count: bigint, one: string) => `${count} ${one}${count === 1n ? '' : 's'}`;

/** `3 pods, 1 claim`: what the namespace holds, as counted by the snapshot. */
export function holdings(usage: Usage): string {
  const pods = usageUnits(usage, 'pods');
  const claims = usageUnits(usage, 'persistentvolumeclaims');
  const parts = [pods > 0n ? plural(pods, 'pod') : '', claims > 0n ? plural(claims, 'claim') : ''];
  return parts.filter((part) => part !== '').join(', ') || 'its usage';
}

/** `research's quota would be over: requests.cpu 60 of 48`, when the moved usage does not fit. */
function overQuota(department: Department | undefined, usage: Usage, view: NamespaceLabelView): string[] {
  const hard = department?.spec.quota?.hard;
  if (department === undefined || hard === undefined) return [];
  const name = department.metadata.name;
  const scope: QuotaScope = {
    kind: 'department',
    name,
    hard,
    used: view.usageOfDepartment(name),
    reserved: NOTHING_RESERVED,
  };
  const over = quotaExcesses(scope, usage);
  if (over.length === 0) return [];
  const listed = over.slice(0, MAX_KEYS_LISTED).map((excess) => {
    const [limit, total] = formatUsageAmounts(excess.key, [excess.hard, excess.total]);
    return `${excess.key} ${total} of ${limit}`;
  });
  const more = over.length > MAX_KEYS_LISTED ? ', …' : '';
  return [`${name}'s quota would be over: ${listed.join(', ')}${more}`];
}

/**
 * What moving a namespace that holds pods or claims does, as warnings the admin sees at once: it
 * leaves its department's quota, image rules and node placement, or takes them to another department
 * (whose quota may then be over); running pods keep their nodes until they are recreated.
 */
function movedUsage(
  name: string,
  before: string | undefined,
  after: string | undefined,
  view: NamespaceLabelView,
): Decision[] {
  const usage = view.usageOfNamespace(name);
  if (before === after || usage.size === 0) return [];
  const held = holdings(usage);
  const messages = [
    after === undefined
      ? `${name}: ${held} leave ${before}'s quota, image rules and placement`
      : before === undefined
        ? `${name}: ${held} join department ${after}'s quota, image rules and placement`
        : `${name}: ${held} move from ${before}'s to ${after}'s quota, image rules and placement`,
    ...overQuota(after === undefined ? undefined : view.department(after), usage, view),
  ];
  if (usageUnits(usage, 'pods') > 0n)
    messages.push(`running pods of ${name} keep their nodes until recreated`);
  return messages.map((message) => warn(NAMESPACE_LABEL_RULE, message));
}

/** The department that would own a namespace with these labels (the oldest claimant, as the snapshot). */
function ownerOf(name: string, labels: Record<string, string>, departments: readonly Department[]) {
  return resolveConflicts({ departments, policies: [], namespaces: [{ name, labels }] }).namespaceOwners.get(
    name,
  );
}

/**
 * A system namespace (kube-system, Corral's own) never joins a department: labels that would put it
 * in one (its department label, or a Department's selector) are ignored, and the admin who sets them
 * is told so once, when they change, rather than that its pods join the department.
 */
function systemNamespaceLabels(
  name: string,
  previous: Record<string, string> | undefined,
  labels: Record<string, string>,
  departments: readonly Department[],
): Decision {
  const named = labels[DEPARTMENT_LABEL];
  const claimants = claimantsOf(departments, labels);
  const changed = named !== previous?.[DEPARTMENT_LABEL] || claimants !== claimantsOf(departments, previous);
  if (!changed || (named === undefined && claimants === '')) return pass(NAMESPACE_LABEL_RULE);
  const by =
    named === undefined
      ? `the namespaceSelector of Department ${claimants.split('\n').join(', ')}`
      : `its label ${DEPARTMENT_LABEL}=${named}`;
  return warn(
    NAMESPACE_LABEL_RULE,
    `${name} is a system namespace: Corral never acts on it and it never joins a department, so ` +
      `${by} is ignored there; its pods count in no department's quota`,
  );
}

/**
 * The labels the namespace had: the API server's old object first (the snapshot may not have the
 * last change yet); a CREATE had none, whatever a deleted namespace of that name the snapshot may
 * still hold had.
 */
function previousLabels(request: AdmissionRequest, name: string | undefined, view: NamespaceLabelView) {
  if (request.operation === 'CREATE' || name === undefined) return undefined;
  return request.oldObject ? labelsOf(request.oldObject) : view.namespace(name)?.labels;
}

/**
 * A Namespace CREATE or UPDATE: the labels decide its department. Given the request and the
 * snapshot, warns when the department label names no Department; refuses (422) labels that would
 * bring new conflicts between the policies, naming each (as a Department or NamespacePolicy write
 * that did the same would be refused); and warns what a namespace holding pods or claims escapes or
 * takes with it when it leaves, joins or changes its department. A move is allowed, not refused, for
 * whoever RBAC lets change the Namespace, unless `editors` (--department-editors) names who may:
 * then anyone else's move is refused (403). A system namespace (view.systemNamespaces) joins no
 * department: its labels are only warned about (systemNamespaceLabels).
 */
export function namespaceDecisions(
  request: AdmissionRequest,
  view: NamespaceLabelView,
  editors: readonly string[] = [],
): Decision[] {
  if (request.subResource) return [skip(NAMESPACE_LABEL_RULE, 'subresource: labels do not change')];
  const labels = labelsOf(request.object);
  const name = nameOfNamespace(request);
  const departments = [...view.departments()];
  const previous = previousLabels(request, name, view);
  if (name !== undefined && view.systemNamespaces?.().includes(name))
    return [systemNamespaceLabels(name, previous, labels, departments)];
  const decisions = [unknownDepartment(labels, view)];
  if (name === undefined) return decisions;
  // Only which departments claim the namespace can change the policy set; most updates keep it.
  if (claimantsOf(departments, previous) === claimantsOf(departments, labels)) return decisions;
  const problems = newPolicyProblems(name, labels, view, departments);
  if (problems.length > 0) return [refuse(name, problems)];
  const before = view.departmentOfNamespace(name);
  const after = ownerOf(name, labels, departments);
  // Who moves it is judged on the labels it had before (above): a new namespace had no department.
  const stored = previous === undefined ? undefined : ownerOf(name, previous, departments);
  if (stored !== after && !mayMoveNamespaces(editors, request))
    return [refuseMove(name, stored, after, request)];
  return [...decisions, ...movedUsage(name, before, after, view)];
}

function refuseMove(
  name: string,
  before: string | undefined,
  after: string | undefined,
  request: AdmissionRequest,
): Decision {
  const move =
    after === undefined
      ? `out of department ${before}`
      : before === undefined
        ? `into department ${after}`
        : `from department ${before} to ${after}`;
  const who = request.userInfo?.username ?? 'this user';
  return fail(
    NAMESPACE_LABEL_RULE,
    `${who} may not move namespace ${name} ${move}: only the department editors Corral is configured ` +
      'with (--department-editors) may change which department a namespace belongs to; ask a platform admin',
    403,
  );
}
