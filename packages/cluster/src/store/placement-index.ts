import type { PodView } from '../views/pod-view.js';
import { bump, EMPTY_COUNTS, type NestedCounts } from './nested-counts.js';
import { NO_PODS_ON_NODE, PodsOnNode } from './pods-on-node.js';

/** Does the pod occupy a node: bound (spec.nodeName) and not terminal? */
export function occupiesNode(pod: PodView): pod is PodView & { nodeName: string } {
  return pod.nodeName !== undefined && !pod.terminal;
}

/**
 * Which pods occupy each node, how many pods of each department run there, and how many of each
 * namespace the snapshot does not hold (pods and namespaces come from two watches: a pod may arrive
 * before its namespace, and its department is then unknown, not none). Namespaces keep a count of
 * their pods per node, so a namespace changing department, arriving or leaving moves its counts node
 * by node without visiting pods.
 */
export class PlacementIndex {
  private readonly podsByNode = new Map<string, PodsOnNode>();
  private readonly nodesByNamespace: NestedCounts = new Map();
  private readonly departmentsByNode: NestedCounts = new Map();
  private readonly unknownByNode: NestedCounts = new Map();

  /**
   * `holds(namespace)`: does the snapshot hold the namespace now? Its answer must change only
   * together with a holdNamespace or dropNamespace call.
   */
  constructor(private readonly holds: (namespace: string) => boolean) {}

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
    if (!this.holds(pod.namespace)) bump(this.unknownByNode, pod.nodeName, pod.namespace, 1);
  }

  remove(pod: PodView, department: string | undefined): void {
    if (!occupiesNode(pod)) return;
    const pods = this.podsByNode.get(pod.nodeName);
    pods?.delete(pod);
    if (pods?.size === 0) this.podsByNode.delete(pod.nodeName);
    bump(this.nodesByNamespace, pod.namespace, pod.nodeName, -1);
    if (department !== undefined) bump(this.departmentsByNode, pod.nodeName, department, -1);
    if (!this.holds(pod.namespace)) bump(this.unknownByNode, pod.nodeName, pod.namespace, -1);
  }

  moveNamespace(namespace: string, from: string | undefined, to: string | undefined): void {
    if (from === to) return;
    for (const [node, count] of this.nodesByNamespace.get(namespace) ?? EMPTY_COUNTS) {
      if (from !== undefined) bump(this.departmentsByNode, node, from, -count);
      if (to !== undefined) bump(this.departmentsByNode, node, to, count);
    }
  }

  /** The snapshot holds the namespace now: its pods leave the unknown counts. */
  holdNamespace(namespace: string): void {
    this.moveUnknown(namespace, -1);
  }

  /** The snapshot no longer holds the namespace: its pods still on nodes join the unknown counts. */
  dropNamespace(namespace: string): void {
    this.moveUnknown(namespace, 1);
  }

  private moveUnknown(namespace: string, sign: 1 | -1): void {
    for (const [node, count] of this.nodesByNamespace.get(namespace) ?? EMPTY_COUNTS)
      bump(this.unknownByNode, node, namespace, sign * count);
  }

  podsOnNode(node: string): ReadonlyMap<string, PodView> {
    return this.podsByNode.get(node) ?? NO_PODS_ON_NODE;
  }

  departmentsOnNode(node: string): ReadonlyMap<string, number> {
    return this.departmentsByNode.get(node) ?? EMPTY_COUNTS;
  }

  /** Namespace → its pods on the node, for the namespaces the snapshot does not hold. */
  unknownNamespacesOnNode(node: string): ReadonlyMap<string, number> {
    return this.unknownByNode.get(node) ?? EMPTY_COUNTS;
  }
}
