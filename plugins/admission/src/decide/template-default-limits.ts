import { isDeepStrictEqual } from 'node:util';
import type { NamespacePolicy } from '@corral/policy';
import type { Decision } from './decision.js';
import { defaultLimitWarnings } from './default-limit-warnings.js';
import { skippedDefaultLimits } from './default-resources.js';
import { podSpecOf, podSpecPath, type JsonObject } from './pod-spec.js';
import type { AdmissionRequest } from './request.js';

/** What skippedDefaultLimits reads of a pod spec: its app and init containers, its pod-level resources. */
const SIZING_KEYS = ['initContainers', 'containers', 'resources'] as const;

/** Does an UPDATE leave the template's containers and pod-level resources as they were? */
export function sizingUnchanged(before: JsonObject | undefined, after: JsonObject): boolean {
  return before !== undefined && SIZING_KEYS.every((key) => isDeepStrictEqual(before[key], after[key]));
}

/**
 * The `default-limits` warnings of a workload's pod template (Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, ReplicationController, Job, CronJob): the NamespacePolicy default limits the mutating
 * webhook will leave out of the containers of every pod the workload makes (skippedDefaultLimits, as
 * for a pod). Those pods' own warnings go to the controller that creates them, which drops them, so
 * the tenant hears it at `kubectl apply` of the workload instead. Only a CREATE and an UPDATE that
 * changes the template's containers or pod-level resources warn: an UPDATE that leaves them alone (a
 * scale, a label, a rollout restart) makes no pod whose containers differ, and the tenant has heard
 * it. Pods are warned by the mutating webhook, never here, so a pod review warns once.
 */
export function templateDefaultLimitWarnings(
  request: AdmissionRequest,
  policy: NamespacePolicy | undefined,
): Decision[] {
  const kind = request.kind.kind;
  const path = podSpecPath(kind);
  if (kind === 'Pod' || path === undefined || request.subResource || policy?.spec.defaults === undefined)
    return [];
  const spec = podSpecOf(kind, request.object);
  if (spec === undefined) return [];
  if (request.operation === 'UPDATE' && sizingUnchanged(podSpecOf(kind, request.oldObject), spec)) return [];
  return defaultLimitWarnings(skippedDefaultLimits(spec, policy), [...path, 'resources'].join('.'));
}
