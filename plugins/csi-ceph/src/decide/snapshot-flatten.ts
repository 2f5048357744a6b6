/**
 * CreateSnapshot of a clone (why: transport/controller/snapshot-flatten.ts). Without `deep-flatten`,
 * an RBD snapshot cut while the image still has a parent keeps that parent after the image is
 * flattened, so the clone's source could not be deleted while the snapshot lives. Such a clone is
 * flattened first; with `deep-flatten` librbd flattens the snapshots too, so the snapshot is cut at once.
 */
import { FEATURE_BITS } from './parameters.js';

const DEEP_FLATTEN = FEATURE_BITS['deep-flatten'] ?? 0n;

/** Given whether the image has a parent and its feature bits, must its flatten finish before a snapshot? */
export function mustFlattenBeforeSnapshot(hasParent: boolean, features: bigint): boolean {
  return hasParent && (features & DEEP_FLATTEN) === 0n;
}

/** The most a call stops waiting ahead of its deadline, so that its own answer still reaches the caller. */
export const DEADLINE_MARGIN_MS = 1_000;

/**
 * Given a call's deadline and now (ms since the epoch), returns how long the call may wait for
 * background work before it must answer: the time left, less a margin for the answer (a tenth of the
 * time left, at most DEADLINE_MARGIN_MS); 0 once that is used up; undefined without a deadline.
 */
export function waitBudgetMs(deadlineMs: number, nowMs: number): number | undefined {
  if (!Number.isFinite(deadlineMs)) return undefined;
  const left = Math.max(0, deadlineMs - nowMs);
  const margin = Math.min(DEADLINE_MARGIN_MS, left / 10);
  return Math.floor(left - margin);
}
