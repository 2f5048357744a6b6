import { DEPARTMENT_LABEL, effectiveNodeIsolation } from '@corral/policy';
import type { ClusterSnapshot } from '@corral/cluster';
import { applyDefaultResources, skippedDefaultLimits } from './default-resources.js';
import { defaultLimitWarnings } from './default-limit-warnings.js';
import { pass, skip, type Decision } from './decision.js';
import { applyPlacement, carriesGpuRequest, isGatewayPod } from './placement.js';
import { copyWith } from './copy-with.js';
import { asObject, type JsonObject } from './pod-spec.js';
import { applyPullSecrets } from './pull-secrets.js';
import { DEFAULT_SCHEDULER } from './scheduler-bypass.js';
import { namespaceOf, type AdmissionRequest } from './request.js';
import type { RuleSettings } from './settings.js';

export const MUTATE_RULE = 'pod-defaults-and-placement';

export interface MutateResult {
  readonly decisions: readonly Decision[];
  /**
   * The mutated copy; absent when nothing applies. The envelope diffs it against request.object. It
   * shares what it did not change with request.object, and what it added whole with other pods
   * (deep-frozen): read it, never write to it.
   */
  readonly mutated?: unknown;
}

type PolicyView = Pick<ClusterSnapshot, 'departmentOfNamespace' | 'department' | 'namespacePolicy'>;

function applies(request: AdmissionRequest, namespace: string | undefined, settings: RuleSettings): string {
  if (request.kind.kind !== 'Pod' || request.kind.group !== '') return 'not a pod';
  if (request.operation !== 'CREATE') return 'only pod creation is mutated';
  if (request.subResource) return 'sub-resource';
  if (namespace === undefined) return 'no namespace';
  if (settings.systemNamespaces.includes(namespace)) return 'system namespace';
  return '';
}

/**
 * Sends a pod that names no scheduler of its own (kube-apiserver writes `default-scheduler` then) to
 * the scheduler that runs Corral's extender, when that is a second scheduler.
 */
function applySchedulerName(spec: JsonObject, schedulerName: string): void {
  const current = spec['schedulerName'];
  if (schedulerName === DEFAULT_SCHEDULER) return;
  if (current === undefined || current === '' || current === DEFAULT_SCHEDULER)
    spec['schedulerName'] = schedulerName;
}

/**
 * Mutates a new pod of a department's namespace: default requests/limits (with a warning for each
 * default limit a container does not get), department/role placement, pull secrets, the department
 * label and the scheduler that runs Corral's extender. In a namespace of no department with a NamespacePolicy, only
 * the policy's defaults and pull secrets (its quota and image rules apply there too). Pure: returns a mutated copy, never touches the input.
 * Idempotent: mutating the result again yields an equal object.
 */
export function mutatePod(request: AdmissionRequest, view: PolicyView, settings: RuleSettings): MutateResult {
  const namespace = namespaceOf(request);
  const why = applies(request, namespace, settings);
  if (why !== '' || namespace === undefined) return { decisions: [skip(MUTATE_RULE, why)] };
  const departmentName = view.departmentOfNamespace(namespace);
  const department = departmentName === undefined ? undefined : view.department(departmentName);
  const policy = view.namespacePolicy(namespace);
  if (department === undefined && policy === undefined)
    return { decisions: [skip(MUTATE_RULE, 'namespace of no department and no NamespacePolicy')] };
  // Copy on write: only what a step changes is copied, so unchanged subtrees stay shared with the
  // request's object and the envelope's diff skips them; what a step adds whole to many pods (default
  // resources, placement, pull secrets) is built once and shared, deep-frozen.
  const original = asObject(request.object) ?? {};
  const originalSpec = asObject(original['spec']);
  if (originalSpec === undefined) return { decisions: [skip(MUTATE_RULE, 'pod without spec')] };
  const spec = copyWith(originalSpec); // (copyWith: the steps add keys to it)
  const pod: JsonObject = { ...original, spec };
  const metadata = asObject(original['metadata']);
  const labels = asObject(metadata?.['labels']);
  // Default limits left out are warned about: the tenant would otherwise not know the pod has none.
  const skipped = skippedDefaultLimits(originalSpec, policy);
  const decisions =
    skipped.length === 0 ? [pass(MUTATE_RULE)] : [pass(MUTATE_RULE), ...defaultLimitWarnings(skipped)];
  applyDefaultResources(spec, policy);
  applySchedulerName(spec, settings.schedulerName);
  // A namespace of no department has a NamespacePolicy's defaults and pull secrets, no placement.
  if (department === undefined) {
    applyPullSecrets(spec, policy);
    return { decisions, mutated: pod };
  }
  applyPlacement(spec, {
    department: department.metadata.name,
    isolation: effectiveNodeIsolation(department),
    gpu: carriesGpuRequest(spec, settings.gpuResources),
    gateway: isGatewayPod(labels),
    gpuResources: settings.gpuResources,
  });
  applyPullSecrets(spec, policy);
  if (labels?.[DEPARTMENT_LABEL] !== department.metadata.name) {
    const stamped = copyWith(labels);
    stamped[DEPARTMENT_LABEL] = department.metadata.name;
    pod['metadata'] = copyWith(metadata, { labels: stamped });
  }
  return { decisions, mutated: pod };
}
