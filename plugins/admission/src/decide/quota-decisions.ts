import type { ClusterSnapshot, Usage } from '@corral/cluster';
import type { NamespacePolicy } from '@corral/policy';
import { fail, type Decision } from './decision.js';
import { demandOf } from './demand.js';
import { podSpecOf } from './pod-spec.js';
import { checkQuota, type QuotaScope, type Reserved } from './quota.js';
import { missingQuotaResources, specifiedFields } from './quota-requirements.js';
import { parseReservationKey, reservationKey, storedObjectOf } from './reservation-key.js';
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
  /**
   * A resize's (decide/resize-quota.ts): the size the snapshot must show the object at, on each key
   * held, before the reservation ends (the object at its old size does not end it). Absent for a
   * CREATE, whose reservation ends as soon as the snapshot shows the object at all.
   */
  readonly target?: Usage;
  /** Does the snapshot count the object already (then nothing is held)? Unset: the ledger asks. */
  readonly counted?: boolean;
}

/** How long the reservation of a CREATE whose name the snapshot holds under another uid lives. */
export const SAME_NAME_TTL_MS = 10_000;

export interface QuotaResult {
  readonly decisions: Decision[];
  readonly demand?: Demand;
}

/** Scope keys already written, per kind and name: one string per scope, its hash computed once. */
const SCOPE_KEYS = { namespace: new Map<string, string>(), department: new Map<string, string>() };
const MAX_SCOPE_KEYS = 4096;

/**
 * A quota scope's key (`namespace/<ns>`, `department/<d>`), the ledger's and the shared record's. The
 * same string object for a scope every time (bounded: cleared when full), so that the ledger's look-ups
 * by it compare the strings by identity and reuse their hash instead of building and hashing new ones.
 */
export function scopeKey(kind: 'namespace' | 'department', name: string): string {
  const keys = SCOPE_KEYS[kind];
  let key = keys.get(name);
  if (key === undefined) {
    if (keys.size >= MAX_SCOPE_KEYS) keys.clear();
    key = `${kind}/${name}`;
    keys.set(name, key);
  }
  return key;
}

/** The rule of an object Corral cannot count (its quantities do not parse). */
export const COUNT_RULE = 'quota';

/** The quotas of the namespace and its department that apply, with what is used and reserved in each. */
export function quotaScopes(
  namespace: string,
  departmentName: string | undefined,
  view: QuotaView,
  reserved: ReservedUsage,
  exclude: string,
): QuotaScope[] {
  const policy = view.namespacePolicy(namespace);
  return scopesUnder(policy, namespace, departmentName, view, reserved, exclude);
}

/** quotaScopes, given the namespace's NamespacePolicy (if any), looked up once by the caller. */
export function scopesUnder(
  policy: NamespacePolicy | undefined,
  namespace: string,
  departmentName: string | undefined,
  view: Pick<QuotaView, 'department' | 'usageOfNamespace' | 'usageOfDepartment'>,
  reserved: ReservedUsage,
  exclude: string,
): QuotaScope[] {
  const scopes: QuotaScope[] = [];
  const nsHard = policy?.spec.quota?.hard;
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

/** The scopes a reservation in `namespace` holds room in: the namespace's, and its department's. */
export function reservationScopes(namespace: string, departmentName: string | undefined): string[] {
  const scopes = [scopeKey('namespace', namespace)];
  if (departmentName !== undefined) scopes.push(scopeKey('department', departmentName));
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
  const policy = view.namespacePolicy(namespace);
  const scopes = scopesUnder(policy, namespace, departmentName, view, reserved, key);
  // No quota applies: nothing to check and nothing to hold (a quota created later counts the object
  // once the snapshot shows it, as ResourceQuota's controller does for objects admitted before it).
  if (scopes.length === 0) return { decisions: [] };
  const demanded = demandOf(kind, request.object, namespace);
  if (!demanded.ok) return { decisions: [fail(COUNT_RULE, `cannot count this object: ${demanded.message}`)] };
  const spec = kind === 'Pod' ? podSpecOf(kind, request.object) : undefined;
  const defaults = kind === 'Pod' ? policy?.spec.defaults : undefined;
  // Read once for every scope.
  const specified = kind === 'Pod' ? specifiedFields(spec) : 0;
  const decisions = scopes.map(
    (scope) =>
      (kind === 'Pod' ? missingQuotaResources(scope, spec, defaults, specified) : undefined) ??
      checkQuota(scope, demanded.usage),
  );
  const scopeKeys = reservationScopes(namespace, departmentName);
  const stored = storedObjectOf(view, { kind, namespace, name });
  // Another object of this name in the snapshot: this one is refused as AlreadyExists, or replaces a
  // deleted one the watch has not removed yet (then the snapshot shows it within the short TTL).
  const shortLived = uid !== undefined && stored !== undefined && stored.uid !== uid;
  // Does the snapshot count this very object already (as the ledger's countedBySnapshot would find,
  // read back from the key)? Then nothing is held; told here, the ledger need not look it up again.
  const counted =
    stored !== undefined &&
    (uid === undefined || stored.uid === uid) &&
    parseReservationKey(key) !== undefined;
  const demand = { key, scopes: scopeKeys, usage: demanded.usage, counted };
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
