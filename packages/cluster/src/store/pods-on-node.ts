import { objectKey } from '../views/object-ref.js';
import type { PodView } from '../views/pod-view.js';

const NONE: readonly PodView[] = Object.freeze([]);

/** `namespace/name` of a pod. */
const keyOf = (pod: PodView): string => objectKey(pod.namespace, pod.name);

/** Is `key` the pod's `namespace/name`? Compared in place, without building the key. */
function isKeyOf(pod: PodView, key: string): boolean {
  const { namespace, name } = pod;
  return (
    key.length === namespace.length + 1 + name.length &&
    key.charCodeAt(namespace.length) === 0x2f && // '/'
    key.startsWith(namespace) &&
    key.endsWith(name)
  );
}

/**
 * The pods on one node, read as a map keyed `namespace/name` in the order they were added, and held
 * as one array of views sized exactly: no key strings and no hash table per node. A node's 20 pods
 * cost ~240 bytes here against ~940 in a Map (whose table doubles to 32 slots) plus a 32-byte key
 * string per pod. Reads by value (every rule's loop) iterate the array; reads by key (preemption's
 * victims) compare keys in place, at most a kubelet's maxPods of them. The array is replaced, not
 * grown, on a change (one copy of at most maxPods pointers per pod event): an iterator already
 * handed out keeps reading the pods as they were.
 */
export class PodsOnNode implements ReadonlyMap<string, PodView> {
  private pods: readonly PodView[] = NONE;

  get size(): number {
    return this.pods.length;
  }

  get(key: string): PodView | undefined {
    return this.pods.find((pod) => isKeyOf(pod, key));
  }

  has(key: string): boolean {
    return this.pods.some((pod) => isKeyOf(pod, key));
  }

  values(): ArrayIterator<PodView> {
    return this.pods.values();
  }

  keys(): ArrayIterator<string> {
    return this.pods.map(keyOf).values();
  }

  entries(): ArrayIterator<[string, PodView]> {
    return this.pods.map((pod): [string, PodView] => [keyOf(pod), pod]).values();
  }

  [Symbol.iterator](): ArrayIterator<[string, PodView]> {
    return this.entries();
  }

  forEach(
    callback: (pod: PodView, key: string, map: ReadonlyMap<string, PodView>) => void,
    thisArg?: unknown,
  ): void {
    for (const pod of this.pods) callback.call(thisArg, pod, keyOf(pod), this);
  }

  /** Adds the pod, or puts it in the place of the pod of the same namespace/name (as Map.set). */
  set(pod: PodView): void {
    const index = this.indexOf(pod);
    // toSpliced and with copy into an array of exactly the new length (concat and spread leave room).
    this.pods = index < 0 ? this.pods.toSpliced(this.pods.length, 0, pod) : this.pods.with(index, pod);
  }

  /** Removes the pod of the same namespace/name; returns whether there was one. */
  delete(pod: PodView): boolean {
    const index = this.indexOf(pod);
    if (index >= 0) this.pods = this.pods.length === 1 ? NONE : this.pods.toSpliced(index, 1);
    return index >= 0;
  }

  /** Where the pod of the same namespace/name is (-1: nowhere); the view itself is found first. */
  private indexOf(pod: PodView): number {
    const pods = this.pods;
    const same = pods.indexOf(pod);
    if (same >= 0) return same;
    for (let i = 0; i < pods.length; i++) {
      const other = pods[i] as PodView;
      if (other.name === pod.name && other.namespace === pod.namespace) return i;
    }
    return -1;
  }
}

/** A node without pods (shared; never written). */
export const NO_PODS_ON_NODE: ReadonlyMap<string, PodView> = Object.freeze(new PodsOnNode());
