import type { ClusterSnapshot, PodView } from '@corral/cluster';

/** A pod the extender bound (or is binding) before the snapshot's watch shows it bound. */
export interface AssumedPod {
  /** `namespace/name`. */
  readonly key: string;
  /** The pod as it will run: `nodeName` is the node it is being bound to. */
  readonly pod: PodView & { readonly nodeName: string };
  readonly department: string | undefined;
  /** After this (clock ms) the assumption is dropped even if the watch never confirmed it. */
  readonly expiresAt: number;
  /**
   * The snapshot held this pod (same UID, unbound) once it was assumed: its disappearance means it
   * was deleted.
   */
  readonly seen: boolean;
}

export interface AssumedPodsOptions {
  /** How long an unconfirmed assumption lasts. */
  readonly ttlMs: number;
  /** At most this many at once; the oldest go first (a bound on memory, never reached in practice). */
  readonly max?: number;
}

const DEFAULT_MAX = 10_000;

/**
 * kube-scheduler's "assumed pods", for the extender's own bindings: between the bind verb and the
 * watch delivering the bound pod, the pod counts on its node for every decision (department
 * isolation, free GPUs, spread, co-location), so a second pod cannot take a place the first one
 * already holds. An assumption ends when the snapshot shows the pod (same UID) bound (anywhere),
 * terminal or deleted, or when it expires. Reads are per node; `settle` is O(assumed pods), and they
 * are few: each lives for the watch's delay.
 */
export class AssumedPods {
  private readonly byKey = new Map<string, AssumedPod>();
  private readonly byNode = new Map<string, Map<string, AssumedPod>>();
  private readonly max: number;

  constructor(private readonly options: AssumedPodsOptions) {
    this.max = options.max ?? DEFAULT_MAX;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Assumes the pod (replacing an assumption of its key); returns the assumption, for forget. */
  assume(entry: Omit<AssumedPod, 'expiresAt'>, now: number): AssumedPod {
    this.forget(entry.key);
    if (this.byKey.size >= this.max) {
      const oldest = this.byKey.keys().next().value;
      if (oldest !== undefined) this.forget(oldest);
    }
    const assumed = { ...entry, expiresAt: now + this.options.ttlMs };
    this.put(assumed);
    return assumed;
  }

  /**
   * Forgets the assumption of `key`; with `only`, only if it is still that one (the same assumed pod
   * object: settle replaces the entry, marked seen, but keeps its pod; a new assume makes a new one).
   */
  forget(key: string, only?: AssumedPod): void {
    const assumed = this.byKey.get(key);
    if (!assumed || (only !== undefined && assumed.pod !== only.pod)) return;
    this.byKey.delete(key);
    const onNode = this.byNode.get(assumed.pod.nodeName);
    onNode?.delete(key);
    if (onNode?.size === 0) this.byNode.delete(assumed.pod.nodeName);
  }

  /** Drops the assumptions the snapshot has caught up with, and the expired ones. */
  settle(snapshot: Pick<ClusterSnapshot, 'pod'>, now: number): void {
    for (const assumed of this.byKey.values()) {
      const current = samePod(snapshot.pod(assumed.pod.namespace, assumed.pod.name), assumed);
      if (assumed.expiresAt <= now || caughtUp(current, assumed)) this.forget(assumed.key);
      else if (current && !assumed.seen) this.put({ ...assumed, seen: true });
    }
  }

  private put(assumed: AssumedPod): void {
    this.byKey.set(assumed.key, assumed);
    let onNode = this.byNode.get(assumed.pod.nodeName);
    if (!onNode) this.byNode.set(assumed.pod.nodeName, (onNode = new Map()));
    onNode.set(assumed.key, assumed);
  }

  /** The assumption of `namespace/name`, if any. */
  get(key: string): AssumedPod | undefined {
    return this.byKey.get(key);
  }

  onNode(node: string): ReadonlyMap<string, AssumedPod> | undefined {
    return this.byNode.get(node);
  }

  values(): IterableIterator<AssumedPod> {
    return this.byKey.values();
  }
}

/**
 * The snapshot's pod of that namespace/name if it is the assumed pod (same UID, or the assumed UID is
 * unknown). Another incarnation (a StatefulSet pod deleted and recreated under the same name) is not:
 * its binding, end or deletion says nothing about the assumed pod.
 */
export function samePod(
  current: PodView | undefined,
  assumed: { readonly pod: Pick<PodView, 'uid'> },
): PodView | undefined {
  if (!current) return undefined;
  return assumed.pod.uid === '' || current.uid === assumed.pod.uid ? current : undefined;
}

/** The snapshot shows the pod bound (anywhere) or terminal, or no longer has a pod it once held. */
function caughtUp(current: PodView | undefined, assumed: AssumedPod): boolean {
  if (!current) return assumed.seen;
  return current.nodeName !== undefined || current.terminal;
}
