import type { Department } from '@corral/policy';
import { objectKey } from '../views/object-ref.js';
import type { NamespaceView } from '../views/namespace-view.js';
import type { NodeView } from '../views/node-view.js';
import type { PodView } from '../views/pod-view.js';
import type { PvcView } from '../views/pvc-view.js';
import type { CoreKind, KindView } from '../views/to-view.js';
import { podUsage, pvcUsage } from '../usage/usage.js';
import { ClaimIndex, type NamespaceMove, type PickOwner } from './claim-index.js';
import { deepEqual } from './deep-equal.js';
import { DomainIndex } from './domain-index.js';
import { NominationIndex } from './nomination-index.js';
import { PlacementIndex } from './placement-index.js';
import { PodTable } from './pod-table.js';
import { UsageIndex } from './usage-index.js';

/**
 * The views and every index over them, updated incrementally: a pod or claim changes only its own
 * namespace's and department's usage and its node's (and nominated node's) entries; a namespace changing department moves
 * that namespace's usage and node counts; a Department change re-evaluates only its own selector.
 * Each method returns whether anything changed.
 */
export class ClusterState {
  readonly nodes = new Map<string, NodeView>();
  readonly namespaces = new Map<string, NamespaceView>();
  readonly pods = new PodTable();
  readonly pvcs = new Map<string, PvcView>();
  readonly claims: ClaimIndex;
  readonly usage = new UsageIndex();
  readonly placement = new PlacementIndex((namespace) => this.namespaces.has(namespace));
  readonly nominations = new NominationIndex();
  readonly domains = new DomainIndex({
    pods: () => this.pods.values(),
    node: (name) => this.nodes.get(name),
    podsOnNode: (node) => this.placement.podsOnNode(node).values(),
  });

  /** `systemNamespaces`: never any department's (see ClaimIndex). */
  constructor(pickOwner: PickOwner, systemNamespaces?: ReadonlySet<string>) {
    this.claims = new ClaimIndex(pickOwner, systemNamespaces);
  }

  keys(kind: CoreKind): Iterable<string> {
    return kind === 'Pod' ? this.pods.keys() : this.table(kind).keys();
  }

  put(item: KindView): boolean {
    if (item.kind === 'Pod') return this.putPod(item.view);
    const key = item.kind === 'PersistentVolumeClaim' ? viewKey(item.view) : item.view.name;
    const before = this.table(item.kind).get(key);
    if (deepEqual(before, item.view)) return false;
    if (item.kind === 'PersistentVolumeClaim') this.remove(item.kind, key);
    switch (item.kind) {
      case 'Node':
        this.nodes.set(key, item.view);
        this.domains.moveNode(key, before as NodeView | undefined, item.view);
        break;
      case 'Namespace':
        this.namespaces.set(key, item.view);
        if (before === undefined) this.placement.holdNamespace(key);
        this.applyMoves(this.claims.setNamespace(key, item.view.labels));
        break;
      case 'PersistentVolumeClaim':
        this.pvcs.set(key, item.view);
        this.usage.apply(
          item.view.namespace,
          this.claims.departmentOf(item.view.namespace),
          pvcUsage(item.view),
          1n,
        );
    }
    return true;
  }

  remove(kind: CoreKind, key: string): boolean {
    if (kind === 'Namespace' && this.namespaces.delete(key)) {
      this.placement.dropNamespace(key);
      this.applyMoves(this.claims.removeNamespace(key));
      return true;
    }
    if (kind === 'Pod') return this.removePod(this.pods.byKey(key));
    if (kind === 'Node') this.domains.moveNode(key, this.nodes.get(key), undefined);
    const pvc = kind === 'PersistentVolumeClaim' ? this.pvcs.get(key) : undefined;
    if (pvc) this.usage.apply(pvc.namespace, this.claims.departmentOf(pvc.namespace), pvcUsage(pvc), -1n);
    return kind !== 'Namespace' && this.table(kind).delete(key);
  }

  putDepartment(department: Department): void {
    this.applyMoves(this.claims.setDepartment(department));
  }

  removeDepartment(name: string): void {
    this.applyMoves(this.claims.removeDepartment(name));
  }

  /** A pod's new view: its old one (if any) leaves the indexes, the new one joins them, last. */
  private putPod(pod: PodView): boolean {
    const before = this.pods.get(pod.namespace, pod.name);
    if (deepEqual(before, pod)) return false;
    this.removePod(before);
    this.pods.set(pod);
    this.countPod(pod, 1n);
    return true;
  }

  private removePod(pod: PodView | undefined): boolean {
    if (pod === undefined) return false;
    this.countPod(pod, -1n);
    return this.pods.delete(pod);
  }

  private countPod(pod: PodView, sign: 1n | -1n): void {
    this.usage.apply(pod.namespace, this.claims.departmentOf(pod.namespace), podUsage(pod), sign);
    // Nodes are held for isolation: a deleted or invalid Department's pods still hold theirs.
    const department = this.claims.isolationDepartmentOf(pod.namespace);
    if (sign > 0n) {
      this.placement.add(pod, department);
      this.nominations.add(pod);
      this.domains.addPod(pod);
    } else {
      this.placement.remove(pod, department);
      this.nominations.remove(pod);
      this.domains.removePod(pod);
    }
  }

  private applyMoves(moves: readonly NamespaceMove[]): void {
    for (const { namespace, from, to, isolationFrom, isolationTo } of moves) {
      this.usage.moveNamespace(namespace, from, to);
      this.placement.moveNamespace(namespace, isolationFrom, isolationTo);
    }
  }

  private table(kind: Exclude<CoreKind, 'Pod'>): Map<string, unknown> {
    switch (kind) {
      case 'Node':
        return this.nodes;
      case 'Namespace':
        return this.namespaces;
      case 'PersistentVolumeClaim':
        return this.pvcs;
    }
  }
}

function viewKey(view: { readonly namespace: string; readonly name: string }): string {
  return objectKey(view.namespace, view.name);
}
