import type { ClusterSnapshot } from '@corral/cluster';
import { mutatePod } from '../decide/mutate.js';
import type { RuleSettings } from '../decide/settings.js';
import { enforcementOf, isResize, validateRequest, type Demand } from '../decide/validate.js';
import { resizeGrows } from '../decide/resize-quota.js';
import { fail, isDenial, type Decision } from '../decide/decision.js';
import { namespaceOf, type AdmissionRequest } from '../decide/request.js';
import { awaitNamespace } from '../effects/await-namespace.js';
import type { ReservationLedger } from '../effects/reservation-ledger.js';
import type { SharedReservations } from '../effects/shared-reservations.js';
import type { InnerHandler } from './with-admission.js';

export { countedBySnapshot, heldBySnapshot, settleFromSnapshot } from './snapshot-settlement.js';

export interface ReviewHandlerOptions {
  /**
   * With a cluster, how long a review of a tenant object waits for its namespace to reach the
   * snapshot before it is refused (0: not at all, as with policy files, where a namespace absent
   * from the files simply has no department).
   */
  readonly namespaceWaitMs?: number;
}

/** The rule of a tenant object whose namespace Corral has not seen (yet). */
export const NAMESPACE_KNOWN_RULE = 'namespace-known';

/**
 * Policy objects (Department, NamespacePolicy) and Namespaces (whose department label moves a
 * namespace between policies): decided on the policy set, never a tenant object's rules.
 */
const isPolicyRequest = (request: AdmissionRequest): boolean =>
  request.kind.group === 'corral.dev' || (request.kind.group === '' && request.kind.kind === 'Namespace');

const unknownMessage = (namespace: string) =>
  `namespace ${namespace} is not in Corral's cache yet (created just now?), so its department's ` +
  'rules cannot be applied: retry in a moment';

export interface ReviewHandlers {
  readonly mutate: InnerHandler;
  readonly validate: InnerHandler;
  /** Fail open for tenant objects in warn/audit namespaces; closed otherwise (and for policy objects and Namespaces). */
  readonly failOpen: (request: AdmissionRequest) => boolean;
}

/** Is this request checked against the shared quota record: a pod or claim CREATE, or a resize? */
function takesQuota(request: AdmissionRequest): boolean {
  // A plain pod UPDATE is checked too (isResize), but here, against this replica's reservations:
  // since Kubernetes 1.33 only pods/resize changes resources, and an image change must not wait on
  // (or fail with) the shared quota record.
  if (isResize(request)) return request.kind.kind !== 'Pod' || request.subResource === 'resize';
  if (request.subResource) return false;
  const kind = request.kind.kind;
  return request.operation === 'CREATE' && (kind === 'Pod' || kind === 'PersistentVolumeClaim');
}

/**
 * The coordination key of a request checked against quotas (see takesQuota) in a namespace with a
 * namespace or department quota: its department whenever it has one (whether or not the Department
 * itself has a quota), else its namespace. Undefined when no quota applies. Keyed so, a namespace's
 * in-flight reservations stay in one record when its Department gains or loses a quota; keyed by
 * the department only while that had a quota, those held under the namespace's record were no longer
 * read, and its quota was exceeded. A resize (pods/resize, a claim UPDATE) reserves its growth there
 * as a CREATE reserves the object; one that grows on no key has no key (it reserves nothing).
 */
export function quotaCoordinationKey(
  snapshot: ClusterSnapshot,
  request: AdmissionRequest,
): string | undefined {
  if (!takesQuota(request)) return undefined;
  const namespace = namespaceOf(request);
  if (namespace === undefined) return undefined;
  // An update that grows on no key (the PV binder binding a claim, a pod resized down) reserves
  // nothing: decided here, it never waits on (or fails with) the shared record.
  if (isResize(request) && !resizeGrows(request, namespace, snapshot)) return undefined;
  const departmentName = snapshot.departmentOfNamespace(namespace);
  const department = departmentName === undefined ? undefined : snapshot.department(departmentName);
  const namespaceQuota = snapshot.namespacePolicy(namespace)?.spec.quota !== undefined;
  if (department !== undefined && (department.spec.quota || namespaceQuota))
    return `department-${department.metadata.name}`;
  return namespaceQuota ? `namespace-${namespace}` : undefined;
}

/**
 * Given the snapshot, settings and the reservation ledger (and, with several replicas, the shared
 * reservations), returns the two webhooks' rules.
 */
export function reviewHandlers(
  snapshot: ClusterSnapshot,
  settings: RuleSettings,
  ledger: ReservationLedger,
  shared?: SharedReservations,
  options: ReviewHandlerOptions = {},
): ReviewHandlers {
  const reserve = (request: AdmissionRequest, demand: Demand | undefined, allowed: boolean): void => {
    // dryRun answers the same but reserves nothing; a denied object takes nothing.
    if (!demand || request.dryRun || !allowed) return;
    ledger.reserve(demand.key, demand.scopes, demand.usage, demand.ttlMs, demand.target, demand.counted);
  };
  const waitMs = options.namespaceWaitMs ?? 0;
  /**
   * The namespace of a tenant object or a NamespacePolicy when the snapshot does not hold it yet (and
   * it is worth a wait). A NamespacePolicy is judged against its namespace's department (a quota or
   * image rules wider than the department's are refused): judged before its namespace arrives, as of
   * no department, it would pass and then be ignored. A Namespace is its own; a Department has none.
   */
  const unknownNamespace = (request: AdmissionRequest): string | undefined => {
    if (waitMs <= 0 || request.operation === 'DELETE' || request.operation === 'CONNECT') return undefined;
    if (isPolicyRequest(request) && request.kind.kind !== 'NamespacePolicy') return undefined;
    const namespace = namespaceOf(request);
    if (namespace === undefined || settings.systemNamespaces.includes(namespace)) return undefined;
    return snapshot.namespace(namespace) === undefined ? namespace : undefined;
  };
  /**
   * `decide`, once the request's namespace is known: at once when it is, after awaitNamespace when it
   * is not yet; `unknown` answers when it still is not after the wait.
   */
  const afterNamespace =
    (decide: InnerHandler, unknown: (message: string) => Decision): InnerHandler =>
    (request, review, deadline) => {
      const namespace = unknownNamespace(request);
      if (namespace === undefined) return decide(request, review, deadline);
      return awaitNamespace(snapshot, namespace, waitMs, deadline.signal).then((known) =>
        known ? decide(request, review, deadline) : { decisions: [unknown(unknownMessage(namespace))] },
      );
    };
  const validate: InnerHandler = (request, _review, deadline) => {
    const coordination = shared ? quotaCoordinationKey(snapshot, request) : undefined;
    if (
      shared &&
      coordination !== undefined &&
      !settings.systemNamespaces.includes(namespaceOf(request) ?? '')
    ) {
      return shared.admit(
        coordination,
        request.dryRun === true,
        (reserved) => validateRequest(request, snapshot, settings, reserved),
        deadline.signal,
      );
    }
    // Synchronous from check to reservation: atomic within this process.
    const result = validateRequest(request, snapshot, settings, ledger.reads());
    reserve(request, result.demand, !result.decisions.some(isDenial));
    return result;
  };
  return {
    // Still unknown after the wait: the mutating webhook refuses the pod itself. Left unmutated, it
    // would pass the validating webhook if the namespace arrived in between, without its placement.
    mutate: afterNamespace(
      (request) => mutatePod(request, snapshot, settings),
      (message) => fail(NAMESPACE_KNOWN_RULE, message),
    ),
    validate: afterNamespace(validate, (message) => fail(NAMESPACE_KNOWN_RULE, message)),
    // Policy objects and Namespaces always fail closed, whatever their namespace's own mode.
    failOpen: (request) =>
      !isPolicyRequest(request) && enforcementOf(snapshot, namespaceOf(request)) !== 'enforce',
  };
}
