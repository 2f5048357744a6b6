import { EMPTY_USAGE, formatUsageAmounts, type ClusterSnapshot, type Usage } from '@corral/cluster';
import { copyWith } from './copy-with.js';
import { fail, warn, type Decision } from './decision.js';
import { applyDefaultResources } from './default-resources.js';
import { demandOf } from './demand.js';
import { podSpecOf, podSpecPath, type JsonObject } from './pod-spec.js';
import { NOTHING_RESERVED, QUOTA_RULES, quotaExcesses, type QuotaScope } from './quota.js';
import { scopesUnder } from './quota-decisions.js';
import { missingQuotaResources, specifiedFields } from './quota-requirements.js';
import type { AdmissionRequest } from './request.js';
import { sizingUnchanged } from './template-default-limits.js';

export type TemplateQuotaView = Pick<
  ClusterSnapshot,
  'departmentOfNamespace' | 'department' | 'namespacePolicy'
>;

/**
 * The view of the quotas in scope with nothing used in them (and nothing reserved, below): a template
 * takes nothing, and what no pod could ever fit is what is refused.
 */
const unused = (view: TemplateQuotaView) => ({
  department: (name: string) => view.department(name),
  usageOfNamespace: () => EMPTY_USAGE,
  usageOfDepartment: () => EMPTY_USAGE,
});

const ownerOf = (scope: QuotaScope): string =>
  scope.kind === 'namespace'
    ? `the NamespacePolicy quota of namespace ${scope.name}`
    : `the quota of department ${scope.name}`;

/** A failure when one pod's demand exceeds a hard limit of the scope with nothing else in it. */
function overOnItsOwn(scope: QuotaScope, demand: Usage, where: string): Decision | undefined {
  const over = quotaExcesses(scope, demand);
  if (over.length === 0) return undefined;
  const amounts = over.map(({ key, need, hard }) => {
    const [asked, limit] = formatUsageAmounts(key, [need, hard]);
    return `${key} ${asked} of ${limit}`;
  });
  return fail(
    QUOTA_RULES[scope.kind],
    `one pod of this template exceeds ${ownerOf(scope)} on its own, so every pod it makes is ` +
      `refused: ${amounts.join('; ')}; lower what ${where} asks, or ask a platform admin to raise the quota`,
  );
}

/**
 * The quota refusals certain for every pod a workload's pod template makes (Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, ReplicationController, Job, CronJob), so that the tenant hears them at
 * `kubectl apply` of the workload rather than in its controller's events. The template is read with
 * the NamespacePolicy defaults the mutating webhook writes into each pod (applyDefaultResources);
 * per quota in scope (the namespace's, the department's), it is refused, under the pod rule's name,
 * when one pod's effective demand exceeds a hard limit with nothing else counted (`pods: 0`
 * included), and warned, with the pod rule's message, when an app or init container still lacks a
 * field the quota requires (missingQuotaResources, naming the container's path in the workload; a
 * warning since a LimitRange may fill it: unlessLimitRange). Usage and
 * reservations are not considered and nothing is reserved: the pods are checked again as they are
 * created. Only a CREATE and an UPDATE that changes the template's containers or pod-level
 * resources are judged (as templateDefaultLimitWarnings), so a scale or the removal of a finalizer
 * always passes. Returns failures and warnings only.
 */
export function templateQuotaDecisions(
  request: AdmissionRequest,
  namespace: string,
  view: TemplateQuotaView,
): Decision[] {
  const kind = request.kind.kind;
  const path = podSpecPath(kind);
  if (kind === 'Pod' || path === undefined || request.subResource) return [];
  const sent = podSpecOf(kind, request.object);
  if (sent === undefined) return [];
  if (request.operation === 'UPDATE' && sizingUnchanged(podSpecOf(kind, request.oldObject), sent)) return [];
  const policy = view.namespacePolicy(namespace);
  const department = view.departmentOfNamespace(namespace);
  const scopes = scopesUnder(policy, namespace, department, unused(view), () => NOTHING_RESERVED, '');
  if (scopes.length === 0) return [];
  const spec: JsonObject = copyWith(sent);
  applyDefaultResources(spec, policy);
  const where = path.join('.');
  const specified = specifiedFields(spec);
  // A quantity that does not parse leaves only the field check: kube-apiserver refuses the template.
  const demanded = demandOf('Pod', { spec }, namespace);
  const decisions: Decision[] = [];
  for (const scope of scopes) {
    const missing = missingQuotaResources(scope, spec, policy?.spec.defaults, specified, `${where}.`);
    if (missing) decisions.push(unlessLimitRange(missing));
    const over = demanded.ok ? overOnItsOwn(scope, demanded.usage, where) : undefined;
    if (over) decisions.push(over);
  }
  return decisions;
}

/**
 * A field a quota requires and the template lacks is a warning, not a refusal: kube-apiserver's
 * LimitRanger writes a LimitRange's defaults into each pod before the webhooks see it, and Corral
 * does not read LimitRanges, so the pods may well be admitted. (Too big a pod is certain: a
 * LimitRange only adds to what a pod asks.)
 */
const unlessLimitRange = (missing: Decision): Decision =>
  warn(
    missing.rule,
    `every pod of this template is refused unless a LimitRange of the namespace sets what it lacks: ${missing.message}`,
  );
