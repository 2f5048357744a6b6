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
  readonly pods = new Map<string, PodView>();
  readonly pvcs = new Map<string, PvcView>();
  readonly claims: ClaimIndex;
  readonly usage = new UsageIndex();
  readonly placement = new PlacementIndex();
  readonly nominations = new NominationIndex();
  readonly domains = new DomainIndex({
    pods: () => this.pods.values(),
    node: (name) => this.nodes.get(name),
    podsOnNode: (node) => this.placement.podsOnNode(node).values(),
  });

  constructor(pickOwner: PickOwner) {
    this.claims = new ClaimIndex(pickOwner);
  }

  keys(kind: CoreKind): IterableIterator<string> {
    return this.table(kind).keys();
  }

  put(item: KindView): boolean {
    const key = item.kind === 'Node' || item.kind === 'Namespace' ? item.view.name : viewKey(item.view);
    const before = this.table(item.kind).get(key);
    if (deepEqual(before, item.view)) return false;
    if (item.kind !== 'Namespace' && item.kind !== 'Node') this.remove(item.kind, key);
    switch (item.kind) {
      case 'Node':
        this.nodes.set(key, item.view);
        this.domains.moveNode(key, before as NodeView | undefined, item.view);
        break;
      case 'Namespace':
        this.namespaces.set(key, item.view);
        this.applyMoves(this.claims.setNamespace(key, item.view.labels));
        break;
      case 'Pod':
        this.pods.set(key, item.view);
        this.countPod(item.view, 1n, key);
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
      this.applyMoves(this.claims.removeNamespace(key));
      return true;
    }
    if (kind === 'Pod') {
      const pod = this.pods.get(key);
      if (pod) this.countPod(pod, -1n);
    }
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

  /** `key`: the pods table's own key string, shared with the placement index. */
  private countPod(pod: PodView, sign: 1n | -1n, key?: string): void {
    this.usage.apply(pod.namespace, this.claims.departmentOf(pod.namespace), podUsage(pod), sign);
    // Nodes are held for isolation: a deleted or invalid Department's pods still hold theirs.
    const department = this.claims.isolationDepartmentOf(pod.namespace);
    if (sign > 0n) {
      this.placement.add(pod, department, key);
      this.nominations.add(pod, key);
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

  private table(kind: CoreKind): Map<string, unknown> {
    switch (kind) {
      case 'Node':
        return this.nodes;
      case 'Namespace':
        return this.namespaces;
      case 'Pod':
        return this.pods;
      case 'PersistentVolumeClaim':
        return this.pvcs;
    }
  }
}

function viewKey(view: { readonly namespace: string; readonly name: string }): string {
  return objectKey(view.namespace, view.name);
}
