import { DEPARTMENT_LABEL, effectiveEnforcement, type Enforcement } from '@corral/policy';
import type { ClusterSnapshot, Usage } from '@corral/cluster';
import { fail, pass, skip, warn, type Decision } from './decision.js';
import { demandOf } from './demand.js';
import { applyEnforcement } from './enforcement.js';
import { checkImages, imagePolicyOf, imagesOf } from './image-rules.js';
import { checkPolicyObject } from './policy-objects.js';
import { asObject, holdsPodSpec, podSpecOf } from './pod-spec.js';
import { checkQuota, type QuotaScope } from './quota.js';
import { nameOf, namespaceOf, type AdmissionRequest } from './request.js';
import type { RuleSettings } from './settings.js';

export type PolicyView = Pick<
  ClusterSnapshot,
  | 'departmentOfNamespace'
  | 'department'
  | 'departments'
  | 'namespaces'
  | 'namespacePolicy'
  | 'usageOfNamespace'
  | 'usageOfDepartment'
>;

/** Usage reserved in a scope (`namespace/<ns>`, `department/<d>`), not counting reservation `exclude`. */
export type ReservedUsage = (scope: string, exclude: string) => Usage;

/** What an admitted pod or claim takes from quotas, to reserve until the snapshot shows it. */
export interface Demand {
  readonly key: string;
  readonly scopes: readonly string[];
  readonly usage: Usage;
}

export interface ValidateResult {
  readonly decisions: readonly Decision[];
  readonly demand?: Demand;
}

export const NAMESPACE_LABEL_RULE = 'namespace-department';
const SKIP = 'validate';

export const scopeKey = (kind: 'namespace' | 'department', name: string): string => `${kind}/${name}`;

/** The enforcement mode of a namespace (enforce when it has no NamespacePolicy). */
export function enforcementOf(
  view: Pick<PolicyView, 'namespacePolicy'>,
  namespace: string | undefined,
): Enforcement {
  const policy = namespace === undefined ? undefined : view.namespacePolicy(namespace);
  return policy ? effectiveEnforcement(policy) : 'enforce';
}

function imageDecisions(request: AdmissionRequest, namespace: string, view: PolicyView): Decision[] {
  const kind = request.kind.kind;
  const spec = podSpecOf(kind, request.object);
  if (request.operation === 'UPDATE') {
    const before = imagesOf(podSpecOf(kind, request.oldObject)).join('\n');
    if (before === imagesOf(spec).join('\n')) return [skip('image-registry', 'images unchanged')];
  }
  const departmentName = view.departmentOfNamespace(namespace);
  const department = departmentName === undefined ? undefined : view.department(departmentName);
  return checkImages(spec, imagePolicyOf(department, view.namespacePolicy(namespace)));
}

function quotaScopes(
  namespace: string,
  view: PolicyView,
  reserved: ReservedUsage,
  key: string,
): QuotaScope[] {
  const scopes: QuotaScope[] = [];
  const nsHard = view.namespacePolicy(namespace)?.spec.quota?.hard;
  if (nsHard) {
    const used = view.usageOfNamespace(namespace);
    scopes.push({
      kind: 'namespace',
      name: namespace,
      hard: nsHard,
      used,
      reserved: reserved(scopeKey('namespace', namespace), key),
    });
  }
  const departmentName = view.departmentOfNamespace(namespace);
  const department = departmentName === undefined ? undefined : view.department(departmentName);
  const dHard = department?.spec.quota?.hard;
  if (department && dHard) {
    const name = department.metadata.name;
    const used = view.usageOfDepartment(name);
    scopes.push({
      kind: 'department',
      name,
      hard: dHard,
      used,
      reserved: reserved(scopeKey('department', name), key),
    });
  }
  return scopes;
}

function quotaDecisions(
  request: AdmissionRequest,
  namespace: string,
  view: PolicyView,
  reserved: ReservedUsage,
): ValidateResult {
  const kind = request.kind.kind as 'Pod' | 'PersistentVolumeClaim';
  const demanded = demandOf(kind, request.object, namespace);
  if (!demanded.ok) return { decisions: [fail('quota', `cannot count this object: ${demanded.message}`)] };
  const key = `${kind}/${namespace}/${nameOf(request) ?? request.uid}`;
  const scopes = quotaScopes(namespace, view, reserved, key);
  const decisions = scopes.map((scope) => checkQuota(scope, demanded.usage));
  const departmentName = view.departmentOfNamespace(namespace);
  const scopeKeys = [scopeKey('namespace', namespace)];
  if (departmentName !== undefined) scopeKeys.push(scopeKey('department', departmentName));
  return { decisions, demand: { key, scopes: scopeKeys, usage: demanded.usage } };
}

function namespaceDecision(request: AdmissionRequest, view: PolicyView): Decision {
  const labels = asObject(asObject(asObject(request.object)?.['metadata'])?.['labels']);
  const wanted = labels?.[DEPARTMENT_LABEL];
  if (typeof wanted !== 'string') return pass(NAMESPACE_LABEL_RULE);
  if (view.department(wanted) !== undefined) return pass(NAMESPACE_LABEL_RULE);
  return warn(
    NAMESPACE_LABEL_RULE,
    `no Department "${wanted}" exists; the namespace gets no department rules until an admin creates it`,
  );
}

const isCreate = (request: AdmissionRequest) => request.operation === 'CREATE';

function tenantDecisions(
  request: AdmissionRequest,
  namespace: string,
  view: PolicyView,
  reserved: ReservedUsage,
): ValidateResult {
  const kind = request.kind.kind;
  const decisions: Decision[] = [];
  let demand: Demand | undefined;
  if (holdsPodSpec(kind)) decisions.push(...imageDecisions(request, namespace, view));
  if ((kind === 'Pod' || kind === 'PersistentVolumeClaim') && isCreate(request) && !request.subResource) {
    const quota = quotaDecisions(request, namespace, view, reserved);
    decisions.push(...quota.decisions);
    demand = quota.demand;
  }
  if (decisions.length === 0) decisions.push(skip(SKIP, `no rule for ${kind}`));
  const relaxed = applyEnforcement(decisions, enforcementOf(view, namespace));
  return demand ? { decisions: relaxed, demand } : { decisions: relaxed };
}

/**
 * The validating webhook's rules, pure: image-tenant policy on pods and pod templates, quotas on new
 * pods and claims, semantic checks of Department and NamespacePolicy objects, and namespace department
 * labels. The namespace's enforcement mode is applied to tenant rules; policy objects are always enforced.
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
    return { decisions: [checkPolicyObject(kind, request.object, view)] };
  }
  if (kind === 'Namespace' && request.kind.group === '')
    return { decisions: [namespaceDecision(request, view)] };
  const namespace = namespaceOf(request);
  if (namespace === undefined || settings.systemNamespaces.includes(namespace)) {
    return { decisions: [skip(SKIP, 'system or cluster-scoped object')] };
  }
  return tenantDecisions(request, namespace, view, reserved);
}
