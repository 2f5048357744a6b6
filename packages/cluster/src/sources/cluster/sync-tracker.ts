import type { Clock } from './clock.js';

/** Reports a change of one kind's sync state; `reason` is for people (logs, /readyz). */
export type SyncReport = (synced: boolean, reason: string) => void;

/**
 * One kind's readiness. Synced after its first successful LIST. A failure does not unsync it at
 * once: the snapshot keeps the last known objects and the informer resumes from its
 * resourceVersion, so only a kind that stays broken becomes unsynced: one that has been failing
 * for `unsyncedAfterMs` with no successful LIST and no accepted watch since (see
 * InformerHooks.accepted: an HTTP 200 alone is no proof, kube-apiserver may follow it with an
 * ERROR event). While a watch stream is open (200, no ERROR yet) the countdown pauses without
 * being reset: a healthy but quiet watch does not unsync a kind, and 200 + ERROR again and again
 * does not keep one synced. A watch that stalls (no end long past its timeoutSeconds) was no
 * healthy quiet watch: its silence counts as failing time after all, so an API server that hangs
 * its watches unsyncs the kind. The next LIST or accepted watch syncs it again and resets the
 * countdown. Until the first LIST, each new failure message is reported (unsynced, `not listed yet:
 * <error>`), so that readiness says why, e.g. an API server refusing the LIST for want of RBAC.
 */
export class SyncTracker {
  private synced = false;
  private listedOnce = false;
  private lastFailure = '';
  /** The failure last reported before the first LIST (reported once per new message). */
  private reportedFailure = '';
  /** Failing time left before the kind is reported unsynced. */
  private budgetMs: number;
  private countdown: { readonly startedAt: number; readonly cancel: () => void } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly unsyncedAfterMs: number,
    private readonly report: SyncReport,
  ) {
    this.budgetMs = unsyncedAfterMs;
  }

  isSynced(): boolean {
    return this.synced;
  }

  listed(count: number): void {
    this.listedOnce = true;
    this.recovered(`listed ${count} objects`);
  }

  /** A watch stream is open but has not proved itself yet: the countdown pauses. */
  opened(): void {
    this.pause();
  }

  /** The server accepted a watch from the last resourceVersion: nothing was missed. */
  accepted(): void {
    if (this.listedOnce) this.recovered('watch resumed');
  }

  /**
   * The open watch was aborted as stalled, silent for `silentMs` (since it opened or since its last
   * event): that time counts as failing time. The failure itself follows (failed).
   */
  stalled(silentMs: number): void {
    if (this.countdown === undefined) this.budgetMs = Math.max(0, this.budgetMs - silentMs);
  }

  /** Something failed (or the watch expired): the countdown runs. */
  failed(message: string): void {
    this.lastFailure = message;
    if (!this.listedOnce && message !== this.reportedFailure) {
      this.reportedFailure = message;
      this.report(false, `not listed yet: ${message}`);
    }
    if (!this.synced || this.countdown !== undefined) return;
    if (this.budgetMs === 0) return this.giveUp();
    this.countdown = {
      startedAt: this.clock.now(),
      cancel: this.clock.setTimeout(() => this.giveUp(), this.budgetMs),
    };
  }

  stop(): void {
    this.countdown?.cancel();
    this.countdown = undefined;
  }

  private pause(): void {
    if (this.countdown === undefined) return;
    this.budgetMs = Math.max(0, this.budgetMs - (this.clock.now() - this.countdown.startedAt));
    this.stop();
  }

  private giveUp(): void {
    this.countdown = undefined;
    this.budgetMs = this.unsyncedAfterMs;
    if (!this.synced) return;
    this.synced = false;
    this.report(false, `failing for ${this.unsyncedAfterMs} ms: ${this.lastFailure}`);
  }

  private recovered(reason: string): void {
    this.stop();
    this.budgetMs = this.unsyncedAfterMs;
    if (this.synced) return;
    this.synced = true;
    this.report(true, reason);
  }
}
