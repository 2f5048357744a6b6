import { EMPTY_USAGE, podUsage, pvcUsage, type ClusterSnapshot, type Usage } from '@corral/cluster';
import { fail, skip, type Decision } from './decision.js';
import { demandOf } from './demand.js';
import { asObject, podSpecOf } from './pod-spec.js';
import { checkQuota, type QuotaScope, type Reserved } from './quota.js';
import { missingQuotaResources } from './quota-requirements.js';
import { reservationKey, storedObjectOf } from './reservation-key.js';
import { nameOf, objectUidOf, type AdmissionRequest } from './request.js';

export type QuotaView = Pick<
  ClusterSnapshot,
  | 'departmentOfNamespace'
  | 'department'
  | 'namespacePolicy'
  | 'usageOfNamespace'
  | 'usageOfDepartment'
  | 'pod'
  | 'pvc'
>;

/** Usage reserved in a scope (`namespace/<ns>`, `department/<d>`), not counting reservation `exclude`. */
export type ReservedUsage = (scope: string, exclude: string) => Reserved;

/** What an admitted pod or claim takes from quotas, to reserve until the snapshot shows it. */
export interface Demand {
  readonly key: string;
  readonly scopes: readonly string[];
  readonly usage: Usage;
  /**
   * Hold it at most this long (shorter than the ledger's TTL): a CREATE of a name the snapshot
   * already holds under another uid is most likely refused as AlreadyExists, and nothing would
   * then end its reservation before the TTL.
   */
  readonly ttlMs?: number;
}

/** How long the reservation of a CREATE whose name the snapshot holds under another uid lives. */
export const SAME_NAME_TTL_MS = 10_000;

export interface QuotaResult {
  readonly decisions: Decision[];
  readonly demand?: Demand;
}

export const scopeKey = (kind: 'namespace' | 'department', name: string): string => `${kind}/${name}`;

/** The rule of an object Corral cannot count (its quantities do not parse). */
const COUNT_RULE = 'quota';

function quotaScopes(
  namespace: string,
  departmentName: string | undefined,
  view: QuotaView,
  reserved: ReservedUsage,
  exclude: string,
): QuotaScope[] {
  const scopes: QuotaScope[] = [];
  const nsHard = view.namespacePolicy(namespace)?.spec.quota?.hard;
  if (nsHard) {
    scopes.push({
      kind: 'namespace',
      name: namespace,
      hard: nsHard,
      used: view.usageOfNamespace(namespace),
      reserved: reserved(scopeKey('namespace', namespace), exclude),
    });
  }
  const department = departmentName === undefined ? undefined : view.department(departmentName);
  const dHard = department?.spec.quota?.hard;
  if (department && dHard) {
    const name = department.metadata.name;
    scopes.push({
      kind: 'department',
      name,
      hard: dHard,
      used: view.usageOfDepartment(name),
      reserved: reserved(scopeKey('department', name), exclude),
    });
  }
  return scopes;
}

/**
 * A new pod or claim (CREATE): per quota scope, a pod must first say how much cpu and memory each
 * container takes when the quota limits them (missingQuotaResources), then everything it adds must
 * fit. Returns the demand to reserve.
 */
export function newObjectQuota(
  request: AdmissionRequest,
  namespace: string,
  view: QuotaView,
  reserved: ReservedUsage,
): QuotaResult {
  const kind = request.kind.kind as 'Pod' | 'PersistentVolumeClaim';
  const name = nameOf(request) ?? request.uid;
  const uid = objectUidOf(request);
  const key = reservationKey(uid === undefined ? { kind, namespace, name } : { kind, namespace, name, uid });
  const departmentName = view.departmentOfNamespace(namespace);
  const scopes = quotaScopes(namespace, departmentName, view, reserved, key);
  // No quota applies: nothing to check and nothing to hold (a quota created later counts the object
  // once the snapshot shows it, as ResourceQuota's controller does for objects admitted before it).
  if (scopes.length === 0) return { decisions: [] };
  const demanded = demandOf(kind, request.object, namespace);
  if (!demanded.ok) return { decisions: [fail(COUNT_RULE, `cannot count this object: ${demanded.message}`)] };
  const spec = kind === 'Pod' ? podSpecOf(kind, request.object) : undefined;
  const decisions = scopes.map(
    (scope) =>
      (kind === 'Pod' ? missingQuotaResources(scope, spec) : undefined) ?? checkQuota(scope, demanded.usage),
  );
  const scopeKeys = [scopeKey('namespace', namespace)];
  if (departmentName !== undefined) scopeKeys.push(scopeKey('department', departmentName));
  const stored = storedObjectOf(view, { kind, namespace, name });
  // Another object of this name in the snapshot: this one is refused as AlreadyExists, or replaces a
  // deleted one the watch has not removed yet (then the snapshot shows it within the short TTL).
  const shortLived = uid !== undefined && stored !== undefined && stored.uid !== uid;
  const demand = { key, scopes: scopeKeys, usage: demanded.usage };
  return { decisions, demand: shortLived ? { ...demand, ttlMs: SAME_NAME_TTL_MS } : demand };
}

/** Per key, how much `after` exceeds `before`; keys that do not grow are left out. */
export function increaseOf(before: Usage, after: Usage): Usage {
  const grown = new Map<string, bigint>();
  for (const [key, value] of after) {
    const more = value - (before.get(key) ?? 0n);
    if (more > 0n) grown.set(key, more);
  }
  return grown;
}

/**
 * Per key, the larger of `a` and `b`: what one object holds when it was reviewed twice under one
 * reservation key and either review may be the one that lands (docs/adr/0009). `a` itself when it
 * is already no smaller anywhere.
 */
export function largerOf(a: Usage, b: Usage): Usage {
  let larger: Map<string, bigint> | undefined;
  for (const [key, value] of b) {
    if (value <= (a.get(key) ?? 0n)) continue;
    larger ??= new Map(a);
    larger.set(key, value);
  }
  return larger ?? a;
}

/**
 * What the pod or claim counted before this update: its old object's, else (an old object without a
 * spec, as `corral check` sends for an object the snapshot holds) the snapshot's count of it, else
 * nothing, so the new object counts whole (the safe side).
 */
function previousUsage(
  kind: 'Pod' | 'PersistentVolumeClaim',
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

/** Exclude no reservation: an object still reserved at its old size keeps counting at that size. */
const NO_EXCLUSION = '';

/**
 * A resize: a claim UPDATE (spec.resources.requests.storage) or a pod UPDATE, the `resize`
 * subresource of in-place pod resizing included (requests and limits). The increase, key by key,
 * must fit the namespace and department quotas, as ResourceQuota checks it; an object that does not
 * grow passes. No reservation is taken for the increase, so two objects of one quota resized within
 * the watch lag are not serialised against each other (each sees the other only once the snapshot
 * has it).
 */
export function resizeQuota(
  request: AdmissionRequest,
  namespace: string,
  view: QuotaView,
  reserved: ReservedUsage,
): Decision[] {
  const kind = request.kind.kind as 'Pod' | 'PersistentVolumeClaim';
  const after = demandOf(kind, request.object, namespace);
  if (!after.ok) return [fail(COUNT_RULE, `cannot count this object: ${after.message}`)];
  const increase = increaseOf(previousUsage(kind, request, namespace, view), after.usage);
  const what = kind === 'Pod' ? 'pod' : 'claim';
  if (increase.size === 0) return [skip(COUNT_RULE, `the ${what} asks for no more than before`)];
  const departmentName = view.departmentOfNamespace(namespace);
  return quotaScopes(namespace, departmentName, view, reserved, NO_EXCLUSION).map((scope) =>
    checkQuota(scope, increase),
  );
}
