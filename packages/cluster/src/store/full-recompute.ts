import { DEPARTMENT_LABEL, departmentClaimsNamespace, type Department } from '@corral/policy';
import { applyUsage, podUsage, pvcUsage } from '../usage/usage.js';
import { objectKey } from '../views/object-ref.js';
import type { NamespaceView } from '../views/namespace-view.js';
import type { NodeView } from '../views/node-view.js';
import type { PodView } from '../views/pod-view.js';
import type { PvcView } from '../views/pvc-view.js';
import type { DomainQuery } from './domain-index.js';
import { bump, type NestedCounts } from './nested-counts.js';
import { isNominated } from './nomination-index.js';
import { occupiesNode } from './placement-index.js';

export interface RecomputeInput {
  readonly namespaces: Iterable<NamespaceView>;
  readonly pods: Iterable<PodView>;
  readonly pvcs: Iterable<PvcView>;
  /** The served departments. */
  readonly departments: Iterable<Department>;
  readonly compareByAge: (a: Department, b: Department) => number;
}

/** Every index, computed from scratch in the plainest way. */
export interface RecomputedIndexes {
  readonly departmentOfNamespace: Map<string, string>;
  /** The owner, else the department the label names when none of that name is served. */
  readonly isolationDepartmentOfNamespace: Map<string, string>;
  readonly podsOnNode: Map<string, Set<string>>;
  readonly departmentsOnNode: NestedCounts;
  /** Node → namespace the input does not hold → its pods there. */
  readonly unknownNamespacesOnNode: NestedCounts;
  /** Node → `namespace/name` of the pending pods nominated to it. */
  readonly nominatedTo: Map<string, Set<string>>;
  readonly usageOfNamespace: Map<string, Map<string, bigint>>;
  readonly usageOfDepartment: Map<string, Map<string, bigint>>;
}

/**
 * The reference the incremental indexes must always equal (the store's property test checks it
 * after random event sequences). Not used on any hot path: it visits everything.
 */
export function recomputeIndexes(input: RecomputeInput): RecomputedIndexes {
  const byAge = [...input.departments].sort(input.compareByAge);
  const departmentOfNamespace = new Map<string, string>();
  const isolationDepartmentOfNamespace = new Map<string, string>();
  const held = new Set<string>();
  for (const namespace of input.namespaces) {
    held.add(namespace.name);
    const owner = byAge.find((department) => departmentClaimsNamespace(department, namespace.labels));
    if (owner) departmentOfNamespace.set(namespace.name, owner.metadata.name);
    const named = namespace.labels[DEPARTMENT_LABEL];
    const served = byAge.some((department) => department.metadata.name === named);
    const isolation = owner?.metadata.name ?? (named && !served ? named : undefined);
    if (isolation) isolationDepartmentOfNamespace.set(namespace.name, isolation);
  }
  const result: RecomputedIndexes = {
    departmentOfNamespace,
    isolationDepartmentOfNamespace,
    podsOnNode: new Map(),
    departmentsOnNode: new Map(),
    unknownNamespacesOnNode: new Map(),
    nominatedTo: new Map(),
    usageOfNamespace: new Map(),
    usageOfDepartment: new Map(),
  };
  for (const pod of input.pods) {
    addUsage(result, pod.namespace, podUsage(pod));
    if (isNominated(pod)) addKey(result.nominatedTo, pod.nominatedNodeName, pod);
    if (!occupiesNode(pod)) continue;
    const pods = result.podsOnNode.get(pod.nodeName) ?? new Set<string>();
    result.podsOnNode.set(pod.nodeName, pods.add(objectKey(pod.namespace, pod.name)));
    const department = isolationDepartmentOfNamespace.get(pod.namespace);
    if (department !== undefined) bump(result.departmentsOnNode, pod.nodeName, department, 1);
    if (!held.has(pod.namespace)) bump(result.unknownNamespacesOnNode, pod.nodeName, pod.namespace, 1);
  }
  for (const pvc of input.pvcs) addUsage(result, pvc.namespace, pvcUsage(pvc));
  return result;
}

function addKey(index: Map<string, Set<string>>, node: string, pod: PodView): void {
  const keys = index.get(node) ?? new Set<string>();
  index.set(node, keys.add(objectKey(pod.namespace, pod.name)));
}

function addUsage(result: RecomputedIndexes, namespace: string, usage: ReadonlyMap<string, bigint>): void {
  const department = result.departmentOfNamespace.get(namespace);
  for (const [index, key] of [
    [result.usageOfNamespace, namespace],
    [result.usageOfDepartment, department],
  ] as const) {
    if (key === undefined) continue;
    const target = index.get(key) ?? new Map<string, bigint>();
    applyUsage(target, usage, 1n);
    if (target.size === 0) index.delete(key);
    else index.set(key, target);
  }
}

/**
 * countPodsInDomain the plainest way: every pod bound, not terminal and not being deleted, its
 * node's label, its own label.
 */
export function countPodsInDomainNaively(
  pods: Iterable<PodView>,
  nodes: ReadonlyMap<string, NodeView>,
  query: DomainQuery,
): number {
  let count = 0;
  for (const pod of pods) {
    if (!occupiesNode(pod) || pod.terminating || pod.namespace !== query.namespace) continue;
    const node = nodes.get(pod.nodeName);
    if (node?.labels[query.topologyKey] === query.domain && pod.labels[query.labelKey] === query.labelValue)
      count += 1;
  }
  return count;
}
