import type { PodView } from '../views/pod-view.js';

/** setTimeout's longest delay (about 24.8 days); a later deadline is waited for in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * The snapshot's clock for pods being deleted: ResourceQuota stops charging a pod once the clock is
 * past its deletionDeadline (QuotaV1Pod), and no watch event says when that happens. One unref'd
 * timer per pod whose deadline is still ahead (pods stuck terminating are few); it calls `onDue`
 * with the pod's `namespace/name` key once the deadline has passed.
 */
export class DeletionDeadlines {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly onDue: (key: string) => void) {}

  /**
   * The view to hold for the pod under `key`: marked pastDeletionDeadline when the clock is past its
   * deadline, else unchanged, with a timer set when the deadline is still ahead. Replaces the
   * pod's earlier timer.
   */
  track(key: string, pod: PodView): PodView {
    this.cancel(key);
    if (pod.deletionDeadline === undefined || pod.pastDeletionDeadline === true) return pod;
    const ahead = pod.deletionDeadline - Date.now();
    if (ahead < 0) return { ...pod, pastDeletionDeadline: true };
    // +1: past the deadline, not at it (QuotaV1Pod's now.After(deadline)).
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        this.onDue(key);
      },
      Math.min(ahead + 1, MAX_DELAY_MS),
    );
    timer.unref();
    this.timers.set(key, timer);
    return pod;
  }

  /** Clears the timer of the pod under `key` (it left the snapshot, or has a new view). */
  cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(key);
  }
}
