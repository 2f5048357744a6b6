import type { EventRef, EventToRecord } from '@corral/runtime';
import { isDenial, type Decision } from './decision.js';
import { nameOf, namespaceOf, type AdmissionRequest } from './request.js';
import { asObject, textOf, type JsonObject } from './pod-spec.js';

/**
 * Which reviews become Kubernetes Events, and about what (docs/adr/0016). An Event helps where the
 * tenant would otherwise see nothing:
 *
 * | Review (validating webhook) | Creator | Event (Warning) regarding |
 * | --- | --- | --- |
 * | denied | a controller (ownerReferences) | the owner (ReplicaSet, Job…): `PolicyDenied`, related = the object |
 * | denied | a person or tool (no owner) | none: the client shows the denial |
 * | allowed with warnings (warn mode) | a controller | the owner: `PolicyWarning` |
 * | allowed with warnings | no owner | the object itself (`PolicyWarning`): CI and GitOps tools drop warnings |
 * | allowed in audit mode | either | the owner, else the object: `PolicyAudit` |
 *
 * Never: dry runs, DELETE/CONNECT, the mutating webhook (it has no violations and, before the API
 * server names a generateName object, no name), cluster-scoped objects and Corral's own policy kinds
 * (admins' objects, whose authors see the answer), and reviews whose rules failed (an operator matter).
 * One Event per finding, at most MAX_EVENTS_PER_REVIEW; the note never names the object, so repeats
 * from a controller's retries or replicas fold into one Event's series.
 */
export const EVENT_REASON = {
  denied: 'PolicyDenied',
  warned: 'PolicyWarning',
  audited: 'PolicyAudit',
} as const;
export const MAX_EVENTS_PER_REVIEW = 5;

export interface ReviewOutcome {
  readonly webhook: string;
  readonly request: AdmissionRequest;
  readonly decisions: readonly Decision[];
  readonly allowed: boolean;
}

/** The owner that created the object: its controller reference, else its first owner reference. */
export function ownerOf(object: unknown, namespace: string): EventRef | undefined {
  const refs = asObject(object)?.['metadata'];
  const list = asObject(refs)?.['ownerReferences'];
  if (!Array.isArray(list)) return undefined;
  const owners = list.map(asObject).filter((r): r is JsonObject => r !== undefined);
  const owner = owners.find((r) => r['controller'] === true) ?? owners[0];
  const apiVersion = textOf(owner?.['apiVersion']);
  const kind = textOf(owner?.['kind']);
  const name = textOf(owner?.['name']);
  if (!apiVersion || !kind || !name) return undefined;
  const uid = textOf(owner?.['uid']);
  return { apiVersion, kind, name, namespace, ...(uid ? { uid } : {}) };
}

function objectRef(request: AdmissionRequest, namespace: string): EventRef | undefined {
  const name = nameOf(request);
  if (name === undefined) return undefined;
  const { group, version, kind } = request.kind;
  const uid = textOf(asObject(asObject(request.object)?.['metadata'])?.['uid']);
  return {
    apiVersion: group ? `${group}/${version}` : version,
    kind,
    name,
    namespace,
    ...(uid ? { uid } : {}),
  };
}

/**
 * The namespace, when nothing better names the object. The reference carries the namespace so the
 * Event can live there: one about a cluster-scoped object must otherwise go to `default`, where
 * tenants usually cannot read.
 */
const namespaceRef = (namespace: string): EventRef => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  name: namespace,
  namespace,
});

function note(decision: Decision, request: AdmissionRequest, allowed: boolean): string {
  const verb = request.operation === 'CREATE' ? 'creating' : 'updating';
  const finding = `[${decision.rule}] ${decision.message}`;
  if (!allowed) return `Corral denied ${verb} a ${request.kind.kind}: ${finding}`;
  if (decision.audit)
    return `Corral admitted ${verb} a ${request.kind.kind} that breaks policy (audit mode; enforce mode would deny it): ${finding}`;
  return `Corral admitted ${verb} a ${request.kind.kind} with a warning: ${finding}`;
}

const reasonOf = (decision: Decision, allowed: boolean): string =>
  !allowed ? EVENT_REASON.denied : decision.audit ? EVENT_REASON.audited : EVENT_REASON.warned;

function isTenantObjectChange(review: ReviewOutcome): boolean {
  const { request } = review;
  return (
    review.webhook === 'validate' &&
    request.dryRun !== true &&
    (request.operation === 'CREATE' || request.operation === 'UPDATE') &&
    request.kind.group !== 'corral.dev'
  );
}

/** Given one answered review, returns the Events to record (often none). */
export function admissionEvents(review: ReviewOutcome): EventToRecord[] {
  if (!isTenantObjectChange(review)) return [];
  const { request, allowed } = review;
  const namespace = namespaceOf(request);
  if (namespace === undefined) return [];
  const findings = review.decisions.filter((d) =>
    allowed ? d.outcome === 'warn' && d.message !== '' : isDenial(d),
  );
  if (findings.length === 0) return [];
  const owner = ownerOf(request.object, namespace);
  const self = objectRef(request, namespace);
  const regarding = owner ?? (allowed ? (self ?? namespaceRef(namespace)) : undefined);
  if (regarding === undefined) return [];
  const related = owner && self ? { related: self } : {};
  return findings.slice(0, MAX_EVENTS_PER_REVIEW).map((decision) => ({
    regarding,
    ...related,
    type: 'Warning' as const,
    reason: reasonOf(decision, allowed),
    action: allowed ? 'Admit' : 'Deny',
    note: note(decision, request, allowed),
    namespace,
  }));
}
