import type { PodView } from '../views/pod-view.js';
import { bump, EMPTY_COUNTS, type NestedCounts } from './nested-counts.js';
import { NO_PODS_ON_NODE, PodsOnNode } from './pods-on-node.js';

/** Does the pod occupy a node: bound (spec.nodeName) and not terminal? */
export function occupiesNode(pod: PodView): pod is PodView & { nodeName: string } {
  return pod.nodeName !== undefined && !pod.terminal;
}

/**
 * Which pods occupy each node, and how many pods of each department run there. Namespaces keep a
 * count of their pods per node, so a namespace changing department moves its counts node by node
 * without visiting pods.
 */
export class PlacementIndex {
  private readonly podsByNode = new Map<string, PodsOnNode>();
  private readonly nodesByNamespace: NestedCounts = new Map();
  private readonly departmentsByNode: NestedCounts = new Map();

  add(pod: PodView, department: string | undefined): void {
    if (!occupiesNode(pod)) return;
    let pods = this.podsByNode.get(pod.nodeName);
    if (!pods) {
      pods = new PodsOnNode();
      this.podsByNode.set(pod.nodeName, pods);
    }
    pods.set(pod);
    bump(this.nodesByNamespace, pod.namespace, pod.nodeName, 1);
    if (department !== undefined) bump(this.departmentsByNode, pod.nodeName, department, 1);
  }

  remove(pod: PodView, department: string | undefined): void {
    if (!occupiesNode(pod)) return;
    const pods = this.podsByNode.get(pod.nodeName);
    pods?.delete(pod);
    if (pods?.size === 0) this.podsByNode.delete(pod.nodeName);
    bump(this.nodesByNamespace, pod.namespace, pod.nodeName, -1);
    if (department !== undefined) bump(this.departmentsByNode, pod.nodeName, department, -1);
  }

  moveNamespace(namespace: string, from: string | undefined, to: string | undefined): void {
    if (from === to) return;
    for (const [node, count] of this.nodesByNamespace.get(namespace) ?? EMPTY_COUNTS) {
      if (from !== undefined) bump(this.departmentsByNode, node, from, -count);
      if (to !== undefined) bump(this.departmentsByNode, node, to, count);
    }
  }

  podsOnNode(node: string): ReadonlyMap<string, PodView> {
    return this.podsByNode.get(node) ?? NO_PODS_ON_NODE;
  }

  departmentsOnNode(node: string): ReadonlyMap<string, number> {
    return this.departmentsByNode.get(node) ?? EMPTY_COUNTS;
  }
}
