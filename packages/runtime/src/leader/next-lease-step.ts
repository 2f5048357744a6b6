import { microTime, type LeaderRecord } from './lease-record.js';

/** What a candidate does next with a leader-election Lease. */
export type LeaseStep =
  /** No Lease yet: create it holding it. */
  | { readonly kind: 'create'; readonly record: LeaderRecord }
  /** Write this record over the observed one (renew our own, or take over a free or expired one). */
  | { readonly kind: 'update'; readonly record: LeaderRecord; readonly takeover: boolean }
  /** Someone else holds it and it has not expired by our observation: wait. */
  | { readonly kind: 'wait'; readonly holder: string; readonly expiresAt: number };

export interface LeaseStepInput {
  readonly identity: string;
  /** The record read now; undefined when there is no Lease. */
  readonly current: LeaderRecord | undefined;
  /**
   * When there is no Lease now: the record we read last, if any. A Lease deleted by hand while
   * another replica held it is treated as still held (from `observedAt`) for its duration: that
   * holder may still be acting, and recreates the Lease at its next renewal if it is.
   */
  readonly lastSeen?: LeaderRecord;
  /**
   * When WE first saw `current` in its present version, by our own clock. Expiry is measured from
   * there, never from the remote `renewTime`, so clock skew between replicas does not matter.
   */
  readonly observedAt: number;
  /** Now, on the clock of `observedAt` (a monotonic one). */
  readonly now: number;
  /** Now on the wall clock, for the MicroTimes written. Default `now`. */
  readonly wallNow?: number;
  readonly leaseDurationSeconds: number;
}

/**
 * Given the Lease as read and when it was first seen unchanged, returns the next step (kube's
 * leader-election semantics): create when absent; renew when ours (keeping acquireTime and the
 * transition count); take over when free (empty holder) or unchanged for its whole duration (new
 * acquireTime, one more transition); otherwise wait until it expires. A Lease that vanished while
 * another held it counts as held for its duration (see `lastSeen`).
 */
export function nextLeaseStep(input: LeaseStepInput): LeaseStep {
  const { identity, current, now } = input;
  const stamp = microTime(input.wallNow ?? now);
  const fresh = (transitions: number, acquireTime: string): LeaderRecord => ({
    holderIdentity: identity,
    leaseDurationSeconds: input.leaseDurationSeconds,
    acquireTime,
    renewTime: stamp,
    leaseTransitions: transitions,
  });
  // Never less than our own duration: a Lease whose duration was edited down by hand (or written by
  // a replica configured shorter) must not let us take over while its holder may still be acting.
  const expiry = (record: LeaderRecord) =>
    input.observedAt + Math.max(record.leaseDurationSeconds, input.leaseDurationSeconds) * 1000;
  if (current === undefined) {
    const last = input.lastSeen;
    if (last && last.holderIdentity !== '' && last.holderIdentity !== identity && now < expiry(last))
      return { kind: 'wait', holder: last.holderIdentity, expiresAt: expiry(last) };
    return { kind: 'create', record: fresh(0, stamp) };
  }
  if (current.holderIdentity === identity) {
    return {
      kind: 'update',
      record: fresh(current.leaseTransitions, current.acquireTime ?? stamp),
      takeover: false,
    };
  }
  const expiresAt = expiry(current);
  if (current.holderIdentity !== '' && now < expiresAt) {
    return { kind: 'wait', holder: current.holderIdentity, expiresAt };
  }
  return { kind: 'update', record: fresh(current.leaseTransitions + 1, stamp), takeover: true };
}

/** The record that releases a lease we hold: nobody holds it, and it lasts one second. */
export function releasedRecord(current: LeaderRecord, now: number): LeaderRecord {
  const stamp = microTime(now);
  return {
    holderIdentity: '',
    leaseDurationSeconds: 1,
    acquireTime: stamp,
    renewTime: stamp,
    leaseTransitions: current.leaseTransitions,
  };
}
