import type { Department } from '../schema/department.js';
import type { NamespacePolicy } from '../schema/namespace-policy.js';
import { departmentClaimsNamespace } from '../selector/department-selector.js';
import { compareByAge } from './conflict-order.js';
import { storageKey, type PolicySet } from './policy-set.js';
import { memberNamespaces } from './system-namespaces.js';

export interface DroppedObject {
  readonly kind: 'Department' | 'NamespacePolicy';
  readonly name: string;
  readonly namespace?: string;
  /** The object that won, by name (`ns/name` for a NamespacePolicy). */
  readonly lostTo: string;
  readonly reason: 'duplicate-storage' | 'duplicate-policy';
}

export interface ResolvedPolicySet {
  /** Departments to serve: all but those that lost a storage conflict. */
  readonly departments: readonly Department[];
  /** NamespacePolicies to serve: the winner in each namespace. */
  readonly policies: readonly NamespacePolicy[];
  /** Namespace name → owning department name; a namespace claimed by several goes to the winner. */
  readonly namespaceOwners: ReadonlyMap<string, string>;
  readonly dropped: readonly DroppedObject[];
}

/**
 * Which objects to serve when the set has conflicts, so a service keeps working while an admin fixes
 * them (checkPolicySet reports them). One rule everywhere: the oldest object wins (compareByAge).
 * - two NamespacePolicies in one namespace: the winner is served, the others are left out;
 * - two departments on the same pool + radosNamespace: the winner is served, the others are left
 *   out entirely (half a department would be harder to reason about than none);
 * - a namespace claimed by several departments: it belongs to the winner; each department keeps
 *   its other namespaces.
 * A system namespace (set.systemNamespaces) belongs to no department.
 */
export function resolveConflicts(set: Omit<PolicySet, 'source'>): ResolvedPolicySet {
  const dropped: DroppedObject[] = [];
  const departments = keepFirstPerKey([...set.departments].sort(compareByAge), storageKey, (loser, winner) =>
    dropped.push({
      kind: 'Department',
      name: loser.metadata.name,
      lostTo: winner.metadata.name,
      reason: 'duplicate-storage',
    }),
  );
  const policies = keepFirstPerKey(
    [...set.policies].sort(compareByAge),
    (p) => p.metadata.namespace,
    (loser, winner) =>
      dropped.push({
        kind: 'NamespacePolicy',
        name: loser.metadata.name,
        ...(loser.metadata.namespace === undefined ? {} : { namespace: loser.metadata.namespace }),
        lostTo: `${winner.metadata.namespace ?? ''}/${winner.metadata.name}`,
        reason: 'duplicate-policy',
      }),
  );
  const namespaceOwners = new Map<string, string>();
  for (const namespace of memberNamespaces(set)) {
    const owner = departments.find((department) => departmentClaimsNamespace(department, namespace.labels));
    if (owner !== undefined) namespaceOwners.set(namespace.name, owner.metadata.name);
  }
  return { departments, policies, namespaceOwners, dropped };
}

/** Keeps the first of each key (items already in winning order); undefined keys never clash. */
function keepFirstPerKey<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string | undefined,
  onDrop: (loser: T, winner: T) => void,
): T[] {
  const winners = new Map<string, T>();
  return sorted.filter((item) => {
    const key = keyOf(item);
    if (key === undefined) return true;
    const winner = winners.get(key);
    if (winner === undefined) {
      winners.set(key, item);
      return true;
    }
    onDrop(item, winner);
    return false;
  });
}
