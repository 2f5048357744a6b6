import type { PodView } from '@corral/cluster';

const DEFAULT_MAX = 1_000;

/** The last `max` values remembered, by key; the oldest go first. */
export class Recent<T> {
  private readonly values = new Map<string, T>();

  constructor(private readonly max = DEFAULT_MAX) {}

  remember(key: string, value: T): void {
    this.values.delete(key);
    if (this.values.size >= this.max) {
      const oldest = this.values.keys().next().value;
      if (oldest !== undefined) this.values.delete(oldest);
    }
    this.values.set(key, value);
  }

  get(key: string): T | undefined {
    return this.values.get(key);
  }

  forget(key: string): void {
    this.values.delete(key);
  }
}

/**
 * The pods the filter saw last, by `namespace/name`: kube-scheduler sends the whole Pod to filter
 * but only its name to bind, and the watch may not have delivered the pod yet. Bind reads the pod
 * here first (to re-check the node and to assume it with its labels and requests). Bounded: the
 * oldest entries go first.
 */
export type FilteredPods = Recent<PodView>;
