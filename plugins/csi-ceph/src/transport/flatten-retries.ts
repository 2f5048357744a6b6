/**
 * The running driver's retries of clones' failed background flattens (when and which failures:
 * decide/flatten-retry.ts). One entry per image key, with at most one timer: a failure reschedules
 * the image's single timer, a success or a DeleteVolume (cancel) removes it, and so does a failure
 * that waiting will not cure. The retry itself starts the image's background job again
 * (controller/flatten.ts), so two flattens of one image never run at once: when a job for the image
 * runs already (a CreateSnapshot's, the resume scan's), the retry leaves it and that job reports
 * here when it ends. The set is bounded (FlattenRetryPolicy.maxPending); a shutdown (the jobs'
 * drain) clears every timer, and the next start's resume scan finds what is left. The number of images
 * waiting is told to `metrics` (corral_csi_flatten_retries_waiting) whenever it changes.
 */
import type { Logger } from '@corral/runtime';
import { decideFlattenRetry, FLATTEN_RETRY, type FlattenRetryPolicy } from '../decide/flatten-retry.js';
import type { BackgroundJobs } from './background-jobs.js';
import type { FlattenMetrics } from './csi-metrics.js';

interface Waiting {
  /** Failed attempts in a row. */
  readonly failures: number;
  timer: NodeJS.Timeout | undefined;
}

export interface FlattenRetriesOptions {
  readonly jobs: BackgroundJobs;
  readonly log: Logger;
  readonly policy?: FlattenRetryPolicy;
  /** In [0, 1), for the jitter (tests). Default: Math.random. */
  readonly random?: () => number;
  /** Told the number of images waiting whenever it changes. */
  readonly metrics?: Pick<FlattenMetrics, 'waiting'>;
}

/** The catalogue code of an error (CSI_ERR_*), when it carries one. */
function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export class FlattenRetries {
  private readonly waiting = new Map<string, Waiting>();
  private readonly policy: FlattenRetryPolicy;
  private readonly random: () => number;

  constructor(private readonly options: FlattenRetriesOptions) {
    this.policy = options.policy ?? FLATTEN_RETRY;
    this.random = options.random ?? Math.random;
    const signal = options.jobs.stopSignal;
    if (signal.aborted) return;
    signal.addEventListener('abort', () => this.stopAll(), { once: true });
  }

  /** Images waiting for a retry (or whose retry runs). */
  get size(): number {
    return this.waiting.size;
  }

  /** Does `key` wait for a retry (or is its retry running)? */
  isWaiting(key: string): boolean {
    return this.waiting.has(key);
  }

  /**
   * The flatten of image `key` (imageKey) failed with `err`. When waiting may cure it, calls `rerun`
   * (which starts the image's flatten job, false when one runs already) after the backoff; logs that
   * decision. Returns whether a retry waits now; otherwise the caller reports the failure.
   */
  failed(key: string, err: unknown, rerun: () => boolean): boolean {
    const entry = this.waiting.get(key);
    const decision = decideFlattenRetry(
      {
        failure: { code: codeOf(err) },
        attempt: (entry?.failures ?? 0) + 1,
        pending: this.waiting.size,
        waiting: entry !== undefined,
        draining: this.options.jobs.draining,
        random01: this.random(),
      },
      this.policy,
    );
    if (!decision.retry) {
      this.forget(key);
      if (decision.why === 'too-many') {
        this.options.log.warn(
          { image: key, pending: this.waiting.size },
          'flatten failed, and too many clones wait for a retry: this one is left to the next resume scan',
        );
      }
      return false;
    }
    clearTimeout(entry?.timer);
    const next: Waiting = { failures: decision.attempt, timer: undefined };
    next.timer = setTimeout(() => this.fire(key, next, rerun), decision.delayMs);
    next.timer.unref();
    this.waiting.set(key, next);
    this.report();
    const { attempt, reason, delayMs } = decision;
    this.options.log[decision.level](
      { image: key, attempt, reason, delayMs, err },
      'flatten failed: retrying later',
    );
    return true;
  }

  /** The flatten of `key` succeeded (or found nothing to do): its retry, if any, is over. */
  succeeded(key: string): void {
    const entry = this.waiting.get(key);
    if (!entry) return;
    this.forget(key);
    this.options.log.info({ image: key, attempts: entry.failures + 1 }, 'flatten done after retries');
  }

  /** The image goes (DeleteVolume): no retry of its flatten starts any more. Returns whether one waited. */
  cancel(key: string): boolean {
    if (!this.waiting.has(key)) return false;
    this.forget(key);
    this.options.log.info({ image: key }, 'flatten retry cancelled: volume deleted');
    return true;
  }

  private fire(key: string, entry: Waiting, rerun: () => boolean): void {
    entry.timer = undefined;
    if (this.waiting.get(key) !== entry) return;
    this.options.log.debug({ image: key, attempt: entry.failures + 1 }, 'flatten retry starting');
    // Not started: a job for the image runs (it reports here when it ends), or the driver is stopping.
    if (!rerun() && !this.options.jobs.isRunning(key)) {
      this.waiting.delete(key);
      this.report();
    }
  }

  private forget(key: string): void {
    const entry = this.waiting.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.waiting.delete(key);
    this.report();
  }

  private report(): void {
    this.options.metrics?.waiting(this.waiting.size);
  }

  /** Shutdown: no timer outlives it; the next start's resume scan finishes these clones. */
  private stopAll(): void {
    const pending = this.waiting.size;
    for (const key of [...this.waiting.keys()]) this.forget(key);
    if (pending > 0)
      this.options.log.info({ pending }, 'flatten retries stopped by shutdown: resumed at next start');
  }
}
