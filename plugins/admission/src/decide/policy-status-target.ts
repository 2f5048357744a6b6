import { objectKey, type InvalidPolicy, type PolicyKind, type RefusedCopy } from '@corral/cluster';
import type { Department, NamespacePolicy } from '@corral/policy';
import { asObject } from './pod-spec.js';
import { readConditions, sameConditions, validCondition, withCondition } from './policy-status-condition.js';

/** A policy object whose status Corral keeps. */
export type PolicyObject = Department | NamespacePolicy;

/** What Corral writes into a policy object's status, and which object it is. */
export interface PolicyStatusUpdate<T extends PolicyObject = PolicyObject> {
  readonly kind: T['kind'];
  readonly name: string;
  /** A NamespacePolicy's namespace; absent for a Department. */
  readonly namespace?: string;
  readonly status: NonNullable<T['status']>;
  /** The resourceVersion of the copy the status was computed from: the newest copy the snapshot saw. */
  readonly resourceVersion?: string;
}

/** A policy object whose status Corral keeps: its newest copy, and why that copy is refused (if it is). */
export interface StatusTarget<T extends PolicyObject> {
  readonly kind: T['kind'];
  readonly name: string;
  readonly namespace?: string;
  readonly copy: RefusedCopy;
  readonly refused?: InvalidPolicy;
  readonly served?: T;
}

/** Names one object's status among every kind's: `kind:namespace/name` (`kind:name` for a Department). */
export function statusKey(kind: PolicyKind, namespace: string | undefined, name: string): string {
  return `${kind}:${objectKey(namespace, name)}`;
}

/**
 * Given a kind, its served objects and the refused policy objects, returns every served object and
 * every refused one no valid copy stands for, each with its newest copy: the refused copy when there
 * is one (a served object may have a newer, refused copy), else the served one.
 */
export function statusTargets<T extends PolicyObject>(
  kind: T['kind'],
  served: Iterable<T>,
  invalid: readonly InvalidPolicy[],
): StatusTarget<T>[] {
  const refused = new Map<string, InvalidPolicy>();
  for (const p of invalid) if (p.kind === kind) refused.set(objectKey(p.namespace, p.name), p);
  const targets: StatusTarget<T>[] = [];
  for (const object of served) {
    const { name, namespace, generation, resourceVersion } = object.metadata;
    const key = objectKey(namespace, name);
    const newest = refused.get(key);
    refused.delete(key);
    const copy = newest?.copy ?? {
      ...(generation === undefined ? {} : { generation }),
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
      ...(object.status === undefined ? {} : { status: object.status }),
    };
    targets.push({
      kind,
      name,
      ...inNamespace(namespace),
      copy,
      served: object,
      ...(newest ? { refused: newest } : {}),
    });
  }
  for (const newest of refused.values())
    targets.push({
      kind,
      name: newest.name,
      ...inNamespace(newest.namespace),
      copy: newest.copy,
      refused: newest,
    });
  return targets;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Given a target, the status fields Corral computes for it besides the conditions and
 * observedGeneration (none for a NamespacePolicy) and the time now (a metav1.Time), returns the full
 * new status when the stored one differs (other status fields and conditions kept), else undefined.
 * A refused copy is judged on that copy: its status and its generation. `observedGeneration` is the
 * generation judged (as in the `Valid` condition), so a different one, such as a value written by
 * hand, makes the status stale; a copy without a generation leaves it as it is.
 */
export function staleStatus<T extends PolicyObject>(
  target: StatusTarget<T>,
  computed: Omit<NonNullable<T['status']>, 'conditions' | 'observedGeneration'>,
  now: string,
): PolicyStatusUpdate<T> | undefined {
  const { kind, name, namespace, copy, refused, served } = target;
  const current = asObject(copy.status) ?? {};
  const stored = readConditions(current['conditions']);
  const conditions = withCondition(
    stored,
    validCondition(refused, copy.generation, served?.metadata.generation),
    now,
  );
  const fields =
    copy.generation === undefined ? computed : { ...computed, observedGeneration: copy.generation };
  const storedCount = Array.isArray(current['conditions']) ? current['conditions'].length : 0;
  if (
    Object.entries(fields).every(([field, value]) => same(current[field], value)) &&
    sameConditions(stored, conditions) &&
    stored.length === storedCount
  )
    return undefined;
  const status = { ...current, ...fields, conditions } as NonNullable<T['status']>;
  const resourceVersion = copy.resourceVersion === undefined ? {} : { resourceVersion: copy.resourceVersion };
  return { kind, name, ...inNamespace(namespace), status, ...resourceVersion };
}

function inNamespace(namespace: string | undefined): { namespace?: string } {
  return namespace === undefined ? {} : { namespace };
}
