import type { ReservedUsage, ValidateResult } from '../decide/validate.js';
import { ADM_ERR, AdmissionError } from '../errors.js';
import { abandoned, AdmissionBatch, PendingAdmission } from './admission-batch.js';
import { planBatch, type BatchPlan } from './batch-plan.js';
import { DEFAULT_MAX_ENTRIES, DEFAULT_MAX_RECORD_BYTES, type RecordBounds } from './record-bounds.js';
import type { ReservationStore, StoredRecord } from './reservation-store.js';
import { backoffDelay, DEFAULT_RETRY_BACKOFF, pause, type RetryBackoff } from './retry-backoff.js';
import { bindCalls, saveOrFind } from './store-call.js';
import type { IsCounted, StillHeld } from './stored-usage.js';

export { DEFAULT_RETRY_BACKOFF, type RetryBackoff } from './retry-backoff.js';
export {
  DEFAULT_MAX_ENTRIES,
  DEFAULT_MAX_RECORD_BYTES,
  withinBounds,
  type RecordBounds,
} from './record-bounds.js';

/** A load or save that has not answered after this long fails the review (docs/adr/0009). */
export const DEFAULT_CALL_TIMEOUT_MS = 2000;
/** Admissions for one key that one load + save serves at most. */
export const DEFAULT_MAX_BATCH = 64;

export interface SharedReservationsOptions {
  readonly store: ReservationStore;
  readonly ttlMs: number;
  /** Is the reserved object already counted by this replica's snapshot? */
  readonly isCounted: IsCounted;
  /**
   * What a resize's entry still holds by this replica's snapshot (docs/adr/0009, "Resizes"). Without
   * it, a resize's entry holds its stored usage until its TTL.
   */
  readonly stillHeld?: StillHeld;
  /** Attempts before giving up on a contended record (each a load + save). Default 20. */
  readonly maxAttempts?: number;
  /**
   * The jittered wait between two attempts (retry-backoff.ts). Default 5 ms doubling up to 50 ms: at
   * most 825 ms over 20 attempts.
   */
  readonly retryBackoff?: RetryBackoff;
  /** The jitter's source, in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Waits `ms`, or less when `signal` aborts (never rejects). Default a timer. */
  readonly pause?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Give up a store call (load or save) after this many ms. Default 2000. */
  readonly callTimeoutMs?: number;
  /** Entries a record may hold. Default 512. */
  readonly maxEntries?: number;
  /** Bytes (JSON) a record's entries may take. Default 192 KiB. */
  readonly maxRecordBytes?: number;
  /** Admissions decided per load + save at most. Default 64. */
  readonly maxBatch?: number;
  /**
   * A saved record keeps each entry until this long after its `expiresAt` by this replica's clock,
   * so a replica whose clock runs ahead never erases entries the others still count. Default `ttlMs`.
   */
  readonly expiryGraceMs?: number;
  readonly now?: () => number;
}

/**
 * Quota reservations shared by every replica through a versioned record per coordination key
 * (docs/adr/0009). Within a replica, the requests for one key are served in batches, as the
 * apiserver's ResourceQuota admission does: one worker per key takes every request waiting (up to
 * `maxBatch`), loads the record once, decides each in arrival order against `used + reserved` plus
 * the batch's earlier admits, and saves once at the loaded version; on a conflict (another replica
 * saved first, or deleted the record) it waits a short jittered delay, then decides the whole batch
 * again on the fresh record. Answers go out after the save.
 *
 * Entries leave the record only when their TTL (and grace) passes, or, when the record is full, the
 * oldest expired or counted by this replica: each replica skips, when reading, the entries its own
 * snapshot counts, so an object is counted once by every replica whatever its watch has delivered.
 */
export class SharedReservations {
  /** Per key with a running worker: the requests not yet taken into a batch. */
  private readonly waiting = new Map<string, PendingAdmission[]>();
  private readonly now: () => number;
  private readonly callTimeoutMs: number;
  private readonly maxBatch: number;
  private readonly bounds: RecordBounds;

  constructor(private readonly options: SharedReservationsOptions) {
    this.now = options.now ?? Date.now;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH);
    this.bounds = {
      maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
      maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    };
  }

  /**
   * Runs `decide` with the shared reservations and records its demand if it admits. `signal` aborts
   * when the review has been answered without this: the request, queued or in a running batch, then
   * rejects at once and is left out of the batch (never saved); a store call nobody waits for any more
   * is given up.
   */
  admit(
    coordinationKey: string,
    dryRun: boolean,
    decide: (reserved: ReservedUsage) => ValidateResult,
    signal?: AbortSignal,
  ): Promise<ValidateResult> {
    if (signal?.aborted) return Promise.reject(abandoned(coordinationKey, signal.reason));
    return new Promise((resolve, reject) => {
      const request = new PendingAdmission(coordinationKey, dryRun, decide, signal, resolve, reject);
      const queue = this.waiting.get(coordinationKey);
      if (queue) {
        queue.push(request);
        return;
      }
      this.waiting.set(coordinationKey, [request]);
      void this.work(coordinationKey);
    });
  }

  /** The key's worker: batch after batch until nobody waits. */
  private async work(coordinationKey: string): Promise<void> {
    for (let batch = this.take(coordinationKey); batch; batch = this.take(coordinationKey)) {
      await this.serve(coordinationKey, batch);
    }
  }

  private take(coordinationKey: string): AdmissionBatch | undefined {
    const queue = this.waiting.get(coordinationKey) ?? [];
    const members: PendingAdmission[] = [];
    while (members.length < this.maxBatch && queue.length > 0) {
      const next = queue.shift()!;
      if (!next.done) members.push(next);
    }
    if (members.length > 0) return new AdmissionBatch(members);
    this.waiting.delete(coordinationKey);
    return undefined;
  }

  /** Answers every member of `batch` (never throws). */
  private async serve(coordinationKey: string, batch: AdmissionBatch): Promise<void> {
    const attempts = this.options.maxAttempts ?? 20;
    const call = bindCalls(this.options.store, coordinationKey, this.callTimeoutMs, batch.signal);
    try {
      for (let attempt = 0; attempt < attempts; attempt += 1) {
        const record = await call.load();
        const { members, plan } = this.plan(coordinationKey, record, batch);
        const { entries } = plan;
        const saved = entries === undefined ? 'ok' : await saveOrFind(record, entries, call);
        if (saved === 'ok') {
          members.forEach((member, i) => member.settle(plan.outcomes[i]!));
          return;
        }
        if (attempt + 1 < attempts) await this.backOff(attempt + 1, batch.signal);
      }
      throw new AdmissionError(
        ADM_ERR.INTERNAL,
        `quota record ${coordinationKey} stayed contended after ${attempts} attempts`,
      );
    } catch (error) {
      batch.fail(error);
    }
  }

  /**
   * The jittered wait before retry number `retry` (replicas that conflicted do not retry in lockstep),
   * cut short when every review of the batch has been answered (`signal`): the next load then fails
   * at once as abandoned and the worker moves on.
   */
  private backOff(retry: number, signal: AbortSignal): Promise<void> {
    const delay = backoffDelay(
      retry,
      this.options.retryBackoff ?? DEFAULT_RETRY_BACKOFF,
      this.options.random ?? Math.random,
    );
    return (this.options.pause ?? pause)(delay, signal);
  }

  /**
   * Decides the members still waiting; if some are abandoned meanwhile (their review answered while
   * deciding), decides again without them, so no reservation is saved for a review answered without it.
   */
  private plan(
    coordinationKey: string,
    record: StoredRecord,
    batch: AdmissionBatch,
  ): { members: PendingAdmission[]; plan: BatchPlan } {
    const context = {
      coordinationKey,
      now: this.now(),
      ttlMs: this.options.ttlMs,
      graceMs: this.options.expiryGraceMs ?? this.options.ttlMs,
      isCounted: this.options.isCounted,
      ...(this.options.stillHeld ? { stillHeld: this.options.stillHeld } : {}),
      bounds: this.bounds,
    };
    let members = batch.waiting();
    for (;;) {
      const plan = planBatch(context, record.entries, members);
      const still = members.filter((member) => !member.done);
      if (still.length === members.length) return { members, plan };
      members = still;
    }
  }
}
