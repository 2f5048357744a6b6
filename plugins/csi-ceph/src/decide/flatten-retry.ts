/**
 * Whether, and when, the running driver tries a clone's failed background flatten again
 * (transport/flatten-retries.ts keeps the timers). A flatten fails for a while and then works when
 * the pool is full (at its quota, or an OSD at the full ratio: the copy-up needs room), when Ceph is
 * unreachable, or when the image is busy; those are tried again with capped exponential backoff and
 * jitter, so a clone is finished once room is made, without a restart or another call. Any other
 * failure (caps, a bug) is left to the next resume scan (ADR 0018), as is a shutdown's stop.
 */
import { backoffDelay } from '@corral/cluster';
import { CSI_ERR } from '../errors.js';

export interface FlattenRetryPolicy {
  /** The wait after the first failure, ms. */
  readonly firstMs: number;
  /** No wait is longer than this, ms. */
  readonly maxMs: number;
  /** Each wait is moved by up to this fraction of itself, either way (0: none). */
  readonly jitter: number;
  /** At most this many images wait for a retry at once; a failure past it is left to the scan. */
  readonly maxPending: number;
}

/** 1 s, doubling, at most a minute, ±20 %; at most 1,000 clones waiting. */
export const FLATTEN_RETRY: FlattenRetryPolicy = {
  firstMs: 1_000,
  maxMs: 60_000,
  jitter: 0.2,
  maxPending: 1_000,
};

/** Why a failure is worth another attempt. */
export type RetryReason = 'pool-full' | 'ceph-unavailable' | 'image-busy';

/** What a failed flatten said: its catalogue code (CSI_ERR_*), when it has one. */
export interface FlattenFailure {
  readonly code?: string;
}

const TRANSIENT: ReadonlyMap<string, RetryReason> = new Map<string, RetryReason>([
  [CSI_ERR.POOL_FULL, 'pool-full'],
  [CSI_ERR.CEPH_UNAVAILABLE, 'ceph-unavailable'],
  [CSI_ERR.IN_USE, 'image-busy'],
]);

/** Given a failure, returns why it may pass later (retry it), or undefined (it will not by waiting). */
export function transientReason(failure: FlattenFailure): RetryReason | undefined {
  return failure.code === undefined ? undefined : TRANSIENT.get(failure.code);
}

/**
 * Given the number of the attempt that just failed (1 for the first) and a random number in [0, 1),
 * returns the wait before the next: firstMs doubling, capped at maxMs, moved by the jitter.
 */
export function flattenRetryDelayMs(attempt: number, random01: number, policy = FLATTEN_RETRY): number {
  const doublings = Number.isFinite(attempt) ? Math.max(0, Math.floor(attempt) - 1) : 0;
  const random = Number.isFinite(random01) ? Math.min(1, Math.max(0, random01)) : 0.5;
  return backoffDelay(
    doublings,
    { initialMs: policy.firstMs, maxMs: policy.maxMs, factor: 2, jitter: policy.jitter },
    random,
  );
}

export interface RetryInput {
  readonly failure: FlattenFailure;
  /** The number of the attempt that just failed (1: the first flatten of the image failed). */
  readonly attempt: number;
  /** Images waiting for a retry now, this one included when it waits already. */
  readonly pending: number;
  /** Does this image wait for a retry already (it keeps its place in a full set)? */
  readonly waiting: boolean;
  /** The driver is stopping: nothing is tried again (the next start's scan finishes it). */
  readonly draining: boolean;
  /** In [0, 1), for the jitter. */
  readonly random01: number;
}

export type RetryDecision =
  | {
      readonly retry: true;
      readonly reason: RetryReason;
      readonly attempt: number;
      readonly delayMs: number;
      /** The first failure of a clone warns (an operator may have to make room); later ones inform. */
      readonly level: 'warn' | 'info';
    }
  | { readonly retry: false; readonly why: 'not-transient' | 'stopping' | 'too-many' };

/** Given a failed flatten and the retries waiting, returns whether to try it again and after how long. */
export function decideFlattenRetry(input: RetryInput, policy = FLATTEN_RETRY): RetryDecision {
  if (input.draining || input.failure.code === CSI_ERR.FLATTEN_STOPPED)
    return { retry: false, why: 'stopping' };
  const reason = transientReason(input.failure);
  if (!reason) return { retry: false, why: 'not-transient' };
  if (!input.waiting && input.pending >= policy.maxPending) return { retry: false, why: 'too-many' };
  return {
    retry: true,
    reason,
    attempt: input.attempt,
    delayMs: flattenRetryDelayMs(input.attempt, input.random01, policy),
    level: input.attempt <= 1 ? 'warn' : 'info',
  };
}

/**
 * How one attempt at a clone's background flatten ended (corral_csi_background_flattens_total):
 * `done` the clone is flat; `retrying` it failed and a retry waits; `failed` it failed and is left to
 * the next start's resume scan (or a repeated call); `stopped` the shutdown stopped it.
 */
export type FlattenOutcome = 'done' | 'retrying' | 'failed' | 'stopped';

export const FLATTEN_OUTCOMES: readonly FlattenOutcome[] = ['done', 'retrying', 'failed', 'stopped'];

/**
 * Given a failed flatten and whether a retry waits for it now (decideFlattenRetry said so), returns
 * how the attempt ended: a shutdown's stop is `stopped`, whatever else was decided.
 */
export function failedFlattenOutcome(
  failure: FlattenFailure,
  retrying: boolean,
): Exclude<FlattenOutcome, 'done'> {
  if (failure.code === CSI_ERR.FLATTEN_STOPPED) return 'stopped';
  return retrying ? 'retrying' : 'failed';
}
