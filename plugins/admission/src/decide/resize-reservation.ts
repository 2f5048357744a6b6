/**
 * Reservations of resizes (docs/adr/0009, "Resizes"). A pod resize or a claim expansion reserves,
 * under the key `resize/<object key>` (the object key of decide/reservation-key.ts, so apart from the
 * object's own CREATE reservation), its `target`: the object's new size on the keys where it exceeds
 * the snapshot's count of the object. What the reservation holds is, at every moment, per key, how
 * much the target exceeds what the snapshot counts for the object now: all of it while the snapshot
 * does not hold the object, less as the snapshot shows it larger, nothing (the reservation ends) once
 * the snapshot shows the object at least at its target. The object at its old size ends nothing.
 * The prefix makes the key unreadable to parseReservationKey, so a replica of an older version never
 * takes such an entry for the object itself: it counts the entry's usage until its TTL.
 */
import { EMPTY_USAGE, podUsage, pvcUsage, type ClusterSnapshot, type Usage } from '@corral/cluster';
import { largerOf } from './quota-decisions.js';
import { keyMatches, type ReservationKey } from './reservation-key.js';

const RESIZE_PREFIX = 'resize/';

/** The key of the resize reservation of the object `objectKey` (`Pod/<ns>/<name>/<uid>`). */
export const resizeKeyOf = (objectKey: string): string => `${RESIZE_PREFIX}${objectKey}`;

/** The object key a resize reservation key names, or undefined for any other key. */
export function objectKeyOfResize(key: string): string | undefined {
  return key.startsWith(RESIZE_PREFIX) ? key.slice(RESIZE_PREFIX.length) : undefined;
}

export type ObjectLookup = Pick<ClusterSnapshot, 'pod' | 'pvc'>;

/**
 * What the snapshot counts for the keyed object (its uid, or any object of its name for a key without
 * one), or undefined when the snapshot does not hold that object. A terminal pod counts nothing.
 */
export function snapshotUsageOf(view: ObjectLookup, key: ReservationKey): Usage | undefined {
  if (key.kind === 'Pod') {
    const pod = view.pod(key.namespace, key.name);
    return pod !== undefined && keyMatches(key, pod) ? podUsage(pod) : undefined;
  }
  const claim = view.pvc(key.namespace, key.name);
  return claim !== undefined && keyMatches(key, claim) ? pvcUsage(claim) : undefined;
}

/** Per key of `target`, how much it exceeds `counted` (all of it where `counted` has nothing). */
export function exceeding(target: Usage, counted: Usage | undefined): Map<string, bigint> {
  const more = new Map<string, bigint>();
  for (const [name, amount] of target) {
    const over = amount - (counted?.get(name) ?? 0n);
    if (over > 0n) more.set(name, over);
  }
  return more;
}

/**
 * What a resize's reservation of `target` still holds, given the snapshot: nothing once the snapshot
 * shows the object at least at its target, or shows it terminal or past its deletion deadline (such
 * a pod holds nothing, as ResourceQuota counts it); else,
 * per key, what the target exceeds the snapshot's count by (all of it while the snapshot does not
 * hold the object, or holds another object of its name).
 */
export function resizeStillHeld(view: ObjectLookup, key: ReservationKey, target: Usage): Usage {
  if (key.kind === 'Pod') {
    const pod = view.pod(key.namespace, key.name);
    const countsNothing = pod !== undefined && (pod.terminal || pod.pastDeletionDeadline === true);
    if (countsNothing && keyMatches(key, pod)) return EMPTY_USAGE;
  }
  return exceeding(target, snapshotUsageOf(view, key));
}

/**
 * What a resize to `after` reserves, given the snapshot's count of the object (`counted`, undefined
 * when the snapshot does not hold it): `usage`, per key how much `after` exceeds that count, and
 * `target`, the size on those keys the snapshot must show before the reservation ends.
 */
export function resizeHold(
  after: Usage,
  counted: Usage | undefined,
): { readonly usage: Usage; readonly target: Usage } {
  const usage = exceeding(after, counted);
  const target = new Map<string, bigint>();
  for (const name of usage.keys()) target.set(name, after.get(name)!);
  return { usage, target };
}

/**
 * The target of two reviews of one object's resize (either may be the one that lands, as for two
 * CREATEs of one key): per key the larger. `next` alone when there was none before.
 */
export const largerTarget = (previous: Usage | undefined, next: Usage): Usage =>
  previous === undefined ? next : largerOf(previous, next);
