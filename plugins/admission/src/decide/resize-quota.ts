import { EMPTY_USAGE, podUsage, pvcUsage, type Usage } from '@corral/cluster';
import { fail, skip } from './decision.js';
import { demandOf } from './demand.js';
import { asObject } from './pod-spec.js';
import { checkQuota } from './quota.js';
import {
  COUNT_RULE,
  increaseOf,
  quotaScopes,
  reservationScopes,
  type QuotaResult,
  type QuotaView,
  type ReservedUsage,
} from './quota-decisions.js';
import { reservationKey, type ReservationKey } from './reservation-key.js';
import { resizeHold, resizeKeyOf, snapshotUsageOf } from './resize-reservation.js';
import { nameOf, type AdmissionRequest } from './request.js';

type ResizedKind = 'Pod' | 'PersistentVolumeClaim';

/**
 * What the pod or claim counted before this update: its old object's, else (an old object without a
 * spec, as `corral check` sends for an object the snapshot holds) the snapshot's count of it, else
 * nothing, so the new object counts whole (the safe side).
 */
function previousUsage(
  kind: ResizedKind,
  request: AdmissionRequest,
  namespace: string,
  view: QuotaView,
): Usage {
  if (asObject(asObject(request.oldObject)?.['spec']) !== undefined) {
    const before = demandOf(kind, request.oldObject, namespace);
    if (before.ok) return before.usage;
  }
  const name = nameOf(request);
  if (name === undefined) return EMPTY_USAGE;
  if (kind === 'Pod') {
    const stored = view.pod(namespace, name);
    return stored === undefined ? EMPTY_USAGE : podUsage(stored);
  }
  const stored = view.pvc(namespace, name);
  return stored === undefined ? EMPTY_USAGE : pvcUsage(stored);
}

/** The object an UPDATE changes: by its uid (the new object's, else the old one's) when it has one. */
function resizedObject(request: AdmissionRequest, kind: ResizedKind, namespace: string): ReservationKey {
  const name = nameOf(request) ?? request.uid;
  const uid = uidOf(request.object) ?? uidOf(request.oldObject);
  return uid === undefined ? { kind, namespace, name } : { kind, namespace, name, uid };
}

function uidOf(object: unknown): string | undefined {
  const uid = asObject(asObject(object)?.['metadata'])?.['uid'];
  return typeof uid === 'string' && uid !== '' ? uid : undefined;
}

/** `usage` on the keys of `keys` only. */
function onKeysOf(usage: Usage, keys: Usage): Usage {
  const kept = new Map<string, bigint>();
  for (const [name, amount] of usage) if (keys.has(name)) kept.set(name, amount);
  return kept;
}

/**
 * Does this UPDATE of a pod or claim (isResize) ask for more than its old object on some key? False
 * only when both sizes can be read and none grows (the PV binder setting `volumeName`, a resize down):
 * such an update takes nothing from quotas, is decided without any reservation, and so need not wait
 * on (or fail with) the replicas' shared record. True when the new object cannot be counted (its
 * review refuses it wherever it is decided).
 */
export function resizeGrows(request: AdmissionRequest, namespace: string, view: QuotaView): boolean {
  const kind = request.kind.kind as ResizedKind;
  const after = demandOf(kind, request.object, namespace);
  return !after.ok || increaseOf(previousUsage(kind, request, namespace, view), after.usage).size > 0;
}

/**
 * A resize: a claim UPDATE (spec.resources.requests.storage) or a pod UPDATE, the `resize`
 * subresource of in-place pod resizing included (requests and limits). An object that does not grow
 * beyond its old object passes and reserves nothing. One that grows holds, until the snapshot shows
 * it at its new size (or the TTL), what its new size exceeds the snapshot's count of it by: all of
 * it while the snapshot does not hold the object yet. The keys it grows on must fit the namespace and
 * department quotas with that amount, counting every reservation but the object's own earlier resize
 * (whose place this one takes). So concurrent resizes, and resizes racing creates, never share room.
 */
export function resizeQuota(
  request: AdmissionRequest,
  namespace: string,
  view: QuotaView,
  reserved: ReservedUsage,
): QuotaResult {
  const kind = request.kind.kind as ResizedKind;
  const after = demandOf(kind, request.object, namespace);
  if (!after.ok) return { decisions: [fail(COUNT_RULE, `cannot count this object: ${after.message}`)] };
  const grown = increaseOf(previousUsage(kind, request, namespace, view), after.usage);
  const what = kind === 'Pod' ? 'pod' : 'claim';
  if (grown.size === 0) return { decisions: [skip(COUNT_RULE, `the ${what} asks for no more than before`)] };
  const object = resizedObject(request, kind, namespace);
  const key = resizeKeyOf(reservationKey(object));
  const departmentName = view.departmentOfNamespace(namespace);
  const scopes = quotaScopes(namespace, departmentName, view, reserved, key);
  if (scopes.length === 0) return { decisions: [] };
  const hold = resizeHold(after.usage, snapshotUsageOf(view, object));
  const asked = onKeysOf(hold.usage, grown);
  const decisions = scopes.map((scope) => checkQuota(scope, asked));
  if (hold.usage.size === 0) return { decisions };
  const scopeKeys = reservationScopes(namespace, departmentName);
  return { decisions, demand: { key, scopes: scopeKeys, usage: hold.usage, target: hold.target } };
}
