import { effectiveEnforcement, type Enforcement } from '@corral/policy';
import type { ClusterSnapshot } from '@corral/cluster';
import { skip, type Decision } from './decision.js';
import { departmentKnown } from './department-known.js';
import { applyEnforcement } from './enforcement.js';
import { checkImages, containerImageKey, imagePolicyOf, imagesOf } from './image-rules.js';
import { namespaceDecisions } from './namespace-labels.js';
import { checkPolicyRequest } from './policy-objects.js';
import { containerListDecisions } from './container-lists.js';
import { holdsPodSpec, podSpecOf, type ContainerAt, type JsonObject } from './pod-spec.js';
import { templateDefaultLimitWarnings } from './template-default-limits.js';
import { templateQuotaDecisions } from './template-quota.js';
import { bringsNewTemplate, checkScheduling } from './scheduler-bypass.js';
import { newObjectQuota, type Demand, type QuotaResult, type ReservedUsage } from './quota-decisions.js';
import { resizeQuota } from './resize-quota.js';
import { namespaceOf, type AdmissionRequest } from './request.js';
import type { RuleSettings } from './settings.js';

export type PolicyView = Pick<
  ClusterSnapshot,
  | 'departmentOfNamespace'
  | 'isolationDepartmentOfNamespace'
  | 'department'
  | 'departments'
  | 'namespace'
  | 'namespaces'
  | 'namespacePolicy'
  | 'usageOfNamespace'
  | 'usageOfDepartment'
  | 'pod'
  | 'pvc'
>;

export type { Demand, ReservedUsage } from './quota-decisions.js';
export { scopeKey } from './quota-decisions.js';
export { NAMESPACE_LABEL_RULE } from './namespace-labels.js';

export interface ValidateResult {
  readonly decisions: readonly Decision[];
  readonly demand?: Demand;
}

const SKIP = 'validate';

/** The enforcement mode of a namespace (enforce when it has no NamespacePolicy). */
export function enforcementOf(
  view: Pick<PolicyView, 'namespacePolicy'>,
  namespace: string | undefined,
): Enforcement {
  const policy = namespace === undefined ? undefined : view.namespacePolicy(namespace);
  return policy ? effectiveEnforcement(policy) : 'enforce';
}

/**
 * The image rules of a pod or template. An UPDATE that keeps every image is not checked. A pod UPDATE
 * (an image change, `kubectl debug`'s ephemeral container) checks only the containers it adds or
 * changes: the running ones were admitted under the rules of their day. A template UPDATE checks
 * them all, as the pods it makes are new.
 */
function imageDecisions(
  request: AdmissionRequest,
  spec: JsonObject | undefined,
  namespace: string,
  view: PolicyView,
): Decision[] {
  const kind = request.kind.kind;
  let include: ((at: ContainerAt) => boolean) | undefined;
  if (request.operation === 'UPDATE') {
    const before = imagesOf(podSpecOf(kind, request.oldObject));
    if (before.join('\n') === imagesOf(spec).join('\n')) return [skip('image-registry', 'images unchanged')];
    const kept = new Set(before);
    if (kind === 'Pod') include = (at) => !kept.has(containerImageKey(at));
  }
  const departmentName = view.departmentOfNamespace(namespace);
  const department = departmentName === undefined ? undefined : view.department(departmentName);
  return checkImages(spec, imagePolicyOf(department, view.namespacePolicy(namespace)), include);
}

const isCreate = (request: AdmissionRequest) => request.operation === 'CREATE';

/**
 * An UPDATE that may grow what an object takes from quotas: a claim's (spec), a pod's (its `resize`
 * subresource since Kubernetes 1.33, the pod itself where resources are still mutable there).
 */
export function isResize(request: AdmissionRequest): boolean {
  if (request.operation !== 'UPDATE') return false;
  const sub = request.subResource ?? '';
  if (request.kind.kind === 'PersistentVolumeClaim') return sub === '';
  return request.kind.kind === 'Pod' && (sub === '' || sub === 'resize');
}

/** The quota decisions of a new pod or claim, or of a resize (each with what to reserve), if any. */
function quotaOf(
  request: AdmissionRequest,
  namespace: string,
  view: PolicyView,
  reserved: ReservedUsage,
): QuotaResult | undefined {
  const kind = request.kind.kind;
  if ((kind === 'Pod' || kind === 'PersistentVolumeClaim') && isCreate(request) && !request.subResource)
    return newObjectQuota(request, namespace, view, reserved);
  return isResize(request) ? resizeQuota(request, namespace, view, reserved) : undefined;
}

function tenantDecisions(
  request: AdmissionRequest,
  namespace: string,
  view: PolicyView,
  settings: RuleSettings,
  reserved: ReservedUsage,
): ValidateResult {
  const kind = request.kind.kind;
  const decisions: Decision[] = [];
  let demand: Demand | undefined;
  const known = departmentKnown(request, namespace, view);
  if (known) decisions.push(known);
  if (holdsPodSpec(kind)) {
    // Container lists that are not lists of objects: no rule would see a container there.
    const spec = podSpecOf(kind, request.object);
    decisions.push(...containerListDecisions(spec));
    decisions.push(...imageDecisions(request, spec, namespace, view));
  }
  decisions.push(...templateDefaultLimitWarnings(request, view.namespacePolicy(namespace)));
  decisions.push(...templateQuotaDecisions(request, namespace, view));
  // Department isolation is what a pod placed past the extender escapes: namespaces of no department
  // keep their other schedulers and node-pinned pods (`kubectl debug node/...` creates one).
  const placed =
    holdsPodSpec(kind) &&
    !request.subResource &&
    (kind === 'Pod' ? isCreate(request) : bringsNewTemplate(request));
  if (placed && view.departmentOfNamespace(namespace) !== undefined)
    decisions.push(checkScheduling(kind, request.object, settings, request.userInfo));
  const quota = quotaOf(request, namespace, view, reserved);
  if (quota) {
    decisions.push(...quota.decisions);
    demand = quota.demand;
  }
  if (decisions.length === 0) decisions.push(skip(SKIP, `no rule for ${kind}`));
  const relaxed = applyEnforcement(decisions, enforcementOf(view, namespace));
  return demand ? { decisions: relaxed, demand } : { decisions: relaxed };
}

/**
 * The validating webhook's rules, pure: image-tenant policy on pods and pod templates, the default
 * limits a pod template's containers will not get (warned; pods hear it from the mutating webhook),
 * the quota refusals certain for every pod of a template, quotas on new pods and claims and on their
 * resizes (each with the demand to reserve when admitted), semantic checks of Department and
 * NamespacePolicy objects, and namespace department labels. The namespace's enforcement mode is
 * applied to tenant rules; policy objects are always enforced.
 */
export function validateRequest(
  request: AdmissionRequest,
  view: PolicyView,
  settings: RuleSettings,
  reserved: ReservedUsage,
): ValidateResult {
  const kind = request.kind.kind;
  if (request.operation === 'DELETE' || request.operation === 'CONNECT')
    return { decisions: [skip(SKIP, 'delete')] };
  if (request.kind.group === 'corral.dev' && (kind === 'Department' || kind === 'NamespacePolicy')) {
    return { decisions: checkPolicyRequest(request, view) };
  }
  if (kind === 'Namespace' && request.kind.group === '')
    return { decisions: namespaceDecisions(request, view, settings.departmentEditors) };
  const namespace = namespaceOf(request);
  if (namespace === undefined || settings.systemNamespaces.includes(namespace)) {
    return { decisions: [skip(SKIP, 'system or cluster-scoped object')] };
  }
  return tenantDecisions(request, namespace, view, settings, reserved);
}
