import type { Usage } from '@corral/cluster';
import type { StoredReservation } from './reservation-store.js';

/** Is the object of a CREATE's reservation already counted by this replica's snapshot? */
export type IsCounted = (key: string) => boolean;

/**
 * What the reservation of a resize (`key`, `target`) still holds given this replica's snapshot:
 * per key, how much `target` exceeds the snapshot's count of the object; empty once the snapshot
 * shows the object at its target (decide/resize-reservation.ts).
 */
export type StillHeld = (key: string, target: Usage) => Usage;

/** A shared record's usage (`{<quota key>: "<nano-units>"}`) as a Usage. */
const toUsage = (usage: Readonly<Record<string, string>>): Usage =>
  new Map(Object.entries(usage).map(([key, value]) => [key, BigInt(value)]));

/** A Usage as a shared record stores it. */
export const fromUsage = (usage: Usage): Record<string, string> =>
  Object.fromEntries([...usage].map(([key, value]) => [key, value.toString()]));

/** Parsed usages and targets, by entry object: a batch reads the same entries once per request. */
const parsedUsage = new WeakMap<StoredReservation, Usage>();
const parsedTarget = new WeakMap<StoredReservation, Usage>();

export function usageOf(entry: StoredReservation): Usage {
  let usage = parsedUsage.get(entry);
  if (usage === undefined) parsedUsage.set(entry, (usage = toUsage(entry.usage)));
  return usage;
}

/** A resize entry's target; undefined for an entry without one (a CREATE's). */
export function targetOf(entry: StoredReservation): Usage | undefined {
  if (entry.target === undefined) return undefined;
  let target = parsedTarget.get(entry);
  if (target === undefined) parsedTarget.set(entry, (target = toUsage(entry.target)));
  return target;
}

/** How one replica reads a record's entries while its snapshot stays as it is (one batch plan). */
export interface EntryReader {
  /** What the entry holds for this replica now (a resize's: what its target exceeds the snapshot by). */
  held(entry: StoredReservation): Usage;
  /** Does this replica's snapshot count the entry's object (at its target, for a resize)? */
  counted(entry: StoredReservation): boolean;
}

/**
 * Reads entries against this replica's snapshot: a CREATE's holds its usage until `isCounted`; a
 * resize's holds what `stillHeld` answers (asked once per entry and reader), or without `stillHeld`
 * its stored usage until the TTL.
 */
export function entryReader(isCounted: IsCounted, stillHeld: StillHeld | undefined): EntryReader {
  const resized = new Map<StoredReservation, Usage>();
  const held = (entry: StoredReservation): Usage => {
    const target = targetOf(entry);
    if (target === undefined || stillHeld === undefined) return usageOf(entry);
    let usage = resized.get(entry);
    if (usage === undefined) resized.set(entry, (usage = stillHeld(entry.key, target)));
    return usage;
  };
  return {
    held,
    counted: (entry) => (entry.target === undefined ? isCounted(entry.key) : held(entry).size === 0),
  };
}
