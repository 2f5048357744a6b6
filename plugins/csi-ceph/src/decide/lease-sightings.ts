/**
 * The foreign leases this process has seen, by journal record key, and when (its own clock) it first
 * saw each one unchanged (decide/journal-records.ts, holderGone). A lease is "the same" while its
 * holder attempt and `until` are: a take-over, a renewal or any rewrite makes a new lease whose wait
 * starts again. Bounded: past `max` entries the oldest is forgotten, which only makes its wait start
 * again (the safe direction), as does a restart of this process. No I/O and no clock of its own:
 * callers pass the time.
 */
import type { ForeignSighting, LeaseHolder } from './journal-records.js';

export const MAX_SIGHTINGS = 10_000;

const leaseIdentity = (lease: LeaseHolder) => `${lease.attempt}\0${lease.until}`;

export class LeaseSightings {
  /** record key → the lease seen there and when it was first seen (insertion order: oldest first). */
  private readonly seen = new Map<string, { readonly lease: string; readonly since: number }>();

  constructor(private readonly max = MAX_SIGHTINGS) {}

  /**
   * Given the lease now stored at `key`, the time and the wait, returns the sighting to decide with:
   * since when this exact lease has been seen (now, when it is new or changed).
   */
  sight(key: string, lease: LeaseHolder, now: number, waitMs: number): ForeignSighting {
    const identity = leaseIdentity(lease);
    const known = this.seen.get(key);
    if (known?.lease === identity) return { since: known.since, waitMs };
    this.seen.delete(key);
    while (this.seen.size >= this.max) {
      const oldest = this.seen.keys().next();
      if (oldest.done === true) break;
      this.seen.delete(oldest.value);
    }
    this.seen.set(key, { lease: identity, since: now });
    return { since: now, waitMs };
  }

  /** Forgets `key` (the record changed hands, completed, or is gone). */
  forget(key: string): void {
    this.seen.delete(key);
  }

  get size(): number {
    return this.seen.size;
  }
}
