import type { PodView } from '@corral/cluster';

const DEFAULT_MAX = 1_000;

/**
 * The pods the filter saw last, by `namespace/name`: kube-scheduler sends the whole Pod to filter
 * but only its name to bind, and the watch may not have delivered the pod yet. Bind reads the pod
 * here first (to re-check the node and to assume it with its labels and requests). Bounded: the
 * oldest entries go first.
 */
export class FilteredPods {
  private readonly pods = new Map<string, PodView>();

  constructor(private readonly max = DEFAULT_MAX) {}

  remember(key: string, pod: PodView): void {
    this.pods.delete(key);
    if (this.pods.size >= this.max) {
      const oldest = this.pods.keys().next().value;
      if (oldest !== undefined) this.pods.delete(oldest);
    }
    this.pods.set(key, pod);
  }

  get(key: string): PodView | undefined {
    return this.pods.get(key);
  }
}
