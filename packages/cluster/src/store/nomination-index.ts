import { objectKey } from '../views/object-ref.js';
import type { PodView } from '../views/pod-view.js';

const NO_PODS: ReadonlyMap<string, PodView> = new Map();

/**
 * Is the pod waiting for a node preemption freed for it: pending (not bound, not terminal) with a
 * status.nominatedNodeName?
 */
export function isNominated(pod: PodView): pod is PodView & { nominatedNodeName: string } {
  return pod.nominatedNodeName !== undefined && pod.nodeName === undefined && !pod.terminal;
}

/**
 * Pending pods by the node they are nominated to (kube-scheduler's preemption evicted pods there for
 * them). Few pods are nominated at any time: a node without any holds no entry, so a lookup is one
 * map read. Once a pod is bound, ends or goes, it leaves the index (the store removes a pod's old
 * view before adding its new one, as for PlacementIndex).
 */
export class NominationIndex {
  private readonly podsByNode = new Map<string, Map<string, PodView>>();

  add(pod: PodView): void {
    if (!isNominated(pod)) return;
    let pods = this.podsByNode.get(pod.nominatedNodeName);
    if (!pods) this.podsByNode.set(pod.nominatedNodeName, (pods = new Map()));
    pods.set(objectKey(pod.namespace, pod.name), pod);
  }

  remove(pod: PodView): void {
    if (!isNominated(pod)) return;
    const pods = this.podsByNode.get(pod.nominatedNodeName);
    pods?.delete(objectKey(pod.namespace, pod.name));
    if (pods?.size === 0) this.podsByNode.delete(pod.nominatedNodeName);
  }

  /** Pending pods nominated to the node, keyed `namespace/name` (a shared empty map for none). */
  podsNominatedTo(node: string): ReadonlyMap<string, PodView> {
    return this.podsByNode.get(node) ?? NO_PODS;
  }
}
