import { objectKey } from '../views/object-ref.js';
import type { PodView } from '../views/pod-view.js';

/**
 * The snapshot's pods by namespace, then name: the keys are the views' own namespace and name
 * strings, so the table holds no `namespace/name` string per pod (32-64 bytes each, 3-6 MiB at
 * 100,000 pods), and a lookup builds none. `namespace/name` keys are made only when asked for
 * (keys(), a relist's comparison) and read by byKey (a deletion names its pod that way).
 */
export class PodTable {
  private readonly byNamespace = new Map<string, Map<string, PodView>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(namespace: string, name: string): PodView | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  /** The pod of a `namespace/name` key (a pod's namespace and name hold no `/`). */
  byKey(key: string): PodView | undefined {
    const slash = key.indexOf('/');
    return slash < 0 ? undefined : this.get(key.slice(0, slash), key.slice(slash + 1));
  }

  /** Puts the view in the place of the pod of the same namespace/name, or adds it. */
  set(pod: PodView): void {
    let pods = this.byNamespace.get(pod.namespace);
    if (!pods) this.byNamespace.set(pod.namespace, (pods = new Map()));
    const before = pods.size;
    pods.set(pod.name, pod);
    this.count += pods.size - before;
  }

  delete(pod: Pick<PodView, 'namespace' | 'name'>): boolean {
    const pods = this.byNamespace.get(pod.namespace);
    if (!pods?.delete(pod.name)) return false;
    this.count -= 1;
    if (pods.size === 0) this.byNamespace.delete(pod.namespace);
    return true;
  }

  *values(): Generator<PodView, undefined, undefined> {
    for (const pods of this.byNamespace.values()) yield* pods.values();
    return undefined;
  }

  /** `namespace/name` of every pod (built here, one string per pod). */
  *keys(): Generator<string, undefined, undefined> {
    for (const pod of this.values()) yield objectKey(pod.namespace, pod.name);
    return undefined;
  }
}
