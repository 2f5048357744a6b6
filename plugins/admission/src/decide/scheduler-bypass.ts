import { isDeepStrictEqual } from 'node:util';
import { fail, pass, skip, type Decision } from './decision.js';
import { asObject, podSpecOf } from './pod-spec.js';
import type { AdmissionRequest } from './request.js';
import type { RuleSettings } from './settings.js';

export const SCHEDULER_RULE = 'scheduler-placement';

/** kube-scheduler's own name: what kube-apiserver writes into a pod spec that names no scheduler. */
export const DEFAULT_SCHEDULER = 'default-scheduler';

/** Who sent a request (AdmissionRequest.userInfo). */
export type Requester = AdmissionRequest['userInfo'];

/**
 * A node's kubelet, as kube-apiserver's Node authorizer and NodeRestriction know it: user
 * `system:node:<name>` in group `system:nodes`. Tenants cannot take that identity.
 */
function isNode(requester: Requester): boolean {
  return (
    requester?.username?.startsWith('system:node:') === true &&
    requester.groups?.includes('system:nodes') === true
  );
}

/**
 * Static pods' mirrors, which kubelets create already on their node. The annotation alone proves
 * nothing: anyone who may create pods may write it (kube-apiserver then only asks for
 * `spec.nodeName`), so only a pod a kubelet creates counts as a mirror.
 */
function isMirrorPod(object: unknown, requester: Requester): boolean {
  const annotations = asObject(asObject(asObject(object)?.['metadata'])?.['annotations']);
  return annotations?.['kubernetes.io/config.mirror'] !== undefined && isNode(requester);
}

/**
 * Is a pod (or pod template) of a department's namespace placed by the scheduler that runs Corral's
 * extender (validate.ts asks only there)? `spec.nodeName`
 * at creation places a pod without any scheduler, and another `spec.schedulerName` sends it to a
 * scheduler without the extender: either would skip department isolation, the GPU and gateway node
 * rules and spread. Allowed names: the one that calls the extender (`settings.schedulerName`) and
 * `default-scheduler`, which the mutating webhook rewrites to it (and which is it, unless the
 * installation runs a second scheduler). Check pods at CREATE only: the scheduler itself writes
 * `nodeName` into a bound pod. A mirror pod passes when a kubelet (`requester`) creates it.
 */
export function checkScheduling(
  kind: string,
  object: unknown,
  settings: RuleSettings,
  requester?: Requester,
): Decision {
  const spec = podSpecOf(kind, object);
  if (spec === undefined) return skip(SCHEDULER_RULE, 'no pod spec');
  if (kind === 'Pod' && isMirrorPod(object, requester)) return skip(SCHEDULER_RULE, 'mirror pod');
  const nodeName = spec['nodeName'];
  if (typeof nodeName === 'string' && nodeName !== '') {
    return fail(
      SCHEDULER_RULE,
      `spec.nodeName (${nodeName}) places the pod on a node without a scheduler, past Corral's ` +
        'department, GPU, gateway and spread rules: remove it and choose nodes with nodeSelector or node affinity',
    );
  }
  const schedulerName = spec['schedulerName'];
  const wanted = settings.schedulerName;
  if (typeof schedulerName === 'string' && schedulerName !== wanted && schedulerName !== DEFAULT_SCHEDULER) {
    return fail(
      SCHEDULER_RULE,
      `spec.schedulerName ${schedulerName} would skip Corral's placement rules, which scheduler ` +
        `${wanted} enforces: remove spec.schedulerName or set it to ${wanted}`,
    );
  }
  return pass(SCHEDULER_RULE);
}

/**
 * Does a workload write bring a pod template its pods have not had: a CREATE, or an UPDATE whose
 * template's pod spec differs from the old one's? One that leaves the template alone (a scale, a
 * label, a suspended CronJob, the garbage collector removing a finalizer) makes no new kind of pod,
 * so its placement is not judged again: a workload that predates its namespace's department (or
 * Corral) can still be scaled down, suspended and deleted.
 */
export function bringsNewTemplate(request: AdmissionRequest): boolean {
  if (request.operation !== 'UPDATE') return true;
  const kind = request.kind.kind;
  const before = podSpecOf(kind, request.oldObject);
  return before === undefined || !isDeepStrictEqual(before, podSpecOf(kind, request.object));
}
