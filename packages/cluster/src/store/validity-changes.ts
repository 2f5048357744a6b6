import { objectKey } from '../views/object-ref.js';
import { deepEqual } from './deep-equal.js';
import type { InvalidPolicy, PolicyKind } from './invalid-policy.js';

/**
 * One policy object whose refusal changed: it became invalid (`before` undefined), its refusal changed
 * (both set: other problems, a newer refused copy, its last valid copy applied or gone), or it is no
 * longer refused (`after` undefined: valid again, or deleted).
 */
export interface PolicyValidityChange {
  readonly kind: PolicyKind;
  readonly name: string;
  readonly namespace?: string;
  readonly before?: InvalidPolicy;
  readonly after?: InvalidPolicy;
  /** A copy of the object is served after the change (its newest, or its last valid one). */
  readonly served: boolean;
}

export type ValidityListener = (changes: readonly PolicyValidityChange[]) => void;

/** `Kind:namespace/name`, the identity of a policy object across kinds. */
export function invalidPolicyId(policy: Pick<InvalidPolicy, 'kind' | 'name' | 'namespace'>): string {
  return `${policy.kind}:${objectKey(policy.namespace, policy.name)}`;
}

/**
 * Given the refused objects before and after a sink call, returns what changed, object by object
 * (nothing for an object refused the same way as before, e.g. at a relist).
 */
export function validityChanges(
  before: ReadonlyMap<string, InvalidPolicy>,
  after: ReadonlyMap<string, InvalidPolicy>,
  isServed: (kind: PolicyKind, key: string) => boolean,
): PolicyValidityChange[] {
  const changes: PolicyValidityChange[] = [];
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(id);
    const is = after.get(id);
    const either = (is ?? was) as InvalidPolicy;
    if (sameRefusal(was, is)) continue;
    const { kind, name, namespace } = either;
    changes.push({
      kind,
      name,
      ...(namespace === undefined ? {} : { namespace }),
      ...(was ? { before: was } : {}),
      ...(is ? { after: is } : {}),
      served: isServed(kind, objectKey(namespace, name)),
    });
  }
  return changes;
}

/** Same refusal of the same copy; where a problem was read (list or watch) does not count. */
function sameRefusal(a: InvalidPolicy | undefined, b: InvalidPolicy | undefined): boolean {
  const plain = (p: InvalidPolicy | undefined) =>
    p && { ...p, problems: p.problems.map(({ field, message }) => ({ field, message })) };
  return deepEqual(plain(a), plain(b));
}

/** Keeps the refused objects seen last and tells listeners what changed since. */
export class ValidityTracker {
  private last: ReadonlyMap<string, InvalidPolicy> = new Map();
  private readonly listeners = new Set<ValidityListener>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  current(): InvalidPolicy[] {
    return [...this.last.values()];
  }

  listen(listener: ValidityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  update(invalid: readonly InvalidPolicy[], isServed: (kind: PolicyKind, key: string) => boolean): void {
    const next = new Map(invalid.map((policy) => [invalidPolicyId(policy), policy]));
    const changes = validityChanges(this.last, next, isServed);
    this.last = next;
    if (changes.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(changes);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
