import type { Clock } from './clock.js';

/** Reports a change of one kind's sync state; `reason` is for people (logs, /readyz). */
export type SyncReport = (synced: boolean, reason: string) => void;

/**
 * One kind's readiness. Synced after its first successful LIST. A failure does not unsync it at
 * once: the snapshot keeps the last known objects and the informer resumes from its
 * resourceVersion, so only a kind that stays broken (no successful LIST and no watch accepted by
 * the server for `unsyncedAfterMs`) becomes unsynced; the next LIST or accepted watch syncs it again.
 */
export class SyncTracker {
  private synced = false;
  private listedOnce = false;
  private lastFailure = '';
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly unsyncedAfterMs: number,
    private readonly report: SyncReport,
  ) {}

  isSynced(): boolean {
    return this.synced;
  }

  listed(count: number): void {
    this.listedOnce = true;
    this.recovered(`listed ${count} objects`);
  }

  /** The server accepted a watch from the last resourceVersion: nothing was missed. */
  watching(): void {
    if (this.listedOnce) this.recovered('watch resumed');
  }

  failed(message: string): void {
    this.lastFailure = message;
    this.cancelTimer ??= this.clock.setTimeout(() => this.giveUp(), this.unsyncedAfterMs);
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private giveUp(): void {
    this.cancelTimer = undefined;
    if (!this.synced) return;
    this.synced = false;
    this.report(false, `failing for ${this.unsyncedAfterMs} ms: ${this.lastFailure}`);
  }

  private recovered(reason: string): void {
    this.stop();
    if (this.synced) return;
    this.synced = true;
    this.report(true, reason);
  }
}
