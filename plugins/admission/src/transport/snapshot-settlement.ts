import { EMPTY_USAGE, type ClusterSnapshot } from '@corral/cluster';
import { keyMatches, parseReservationKey, storedObjectOf } from '../decide/reservation-key.js';
import { objectKeyOfResize, resizeKeyOf, resizeStillHeld } from '../decide/resize-reservation.js';
import type { DeletedObjects } from '../effects/deleted-objects.js';
import type { ReservationLedger } from '../effects/reservation-ledger.js';
import type { IsCounted, StillHeld } from '../effects/stored-usage.js';

/**
 * The resize reservations of the object `nameKey` (`Pod/<ns>/<name>`) of uid `uid`: the one keyed by
 * its uid and the one keyed by its name alone. `removed`: the object left the snapshot, and a deleted
 * object holds no room; else each holds what its target still exceeds the snapshot's count by.
 */
function settleResizes(ledger: ReservationLedger, nameKey: string, uid: string, removed: boolean): void {
  const byName = resizeKeyOf(nameKey);
  const byUid = uid === '' ? undefined : resizeKeyOf(`${nameKey}/${uid}`);
  if (removed) {
    ledger.release(byName);
    if (byUid !== undefined) ledger.release(byUid);
    return;
  }
  ledger.settleResize(byName);
  if (byUid !== undefined) ledger.settleResize(byUid);
}

/**
 * Keeps the ledger exact as the snapshot changes: each pod or claim the snapshot adds or changes may
 * end that object's reservation (ReservationLedger.settle), the one keyed by its uid and one keyed by
 * its name alone, and change or end its resize's (settleResize, only while some resize is held).
 * Each one it removes is remembered in `deleted` (for countedBySnapshot) and ends its resize's
 * reservation. Returns the unsubscribe function.
 */
export function settleFromSnapshot(
  snapshot: ClusterSnapshot,
  ledger: ReservationLedger,
  deleted?: DeletedObjects,
): () => void {
  return snapshot.onApplied(({ kind, key, removedUid }) => {
    if (kind !== 'Pod' && kind !== 'PersistentVolumeClaim') return;
    if (removedUid !== undefined) {
      if (removedUid !== '') deleted?.add(`${kind}/${key}/${removedUid}`);
      if (ledger.resizeCount > 0) settleResizes(ledger, `${kind}/${key}`, removedUid, true);
      return;
    }
    // Every pod event of the cluster passes here (a relist: every pod): nothing to do when nothing is held.
    if (ledger.size === 0) return;
    const nameKey = `${kind}/${key}`;
    ledger.settle(nameKey);
    const parsed = parseReservationKey(nameKey);
    const stored = parsed === undefined ? undefined : storedObjectOf(snapshot, parsed);
    if (stored !== undefined && stored.uid !== '') ledger.settle(`${nameKey}/${stored.uid}`);
    if (ledger.resizeCount > 0) settleResizes(ledger, nameKey, stored?.uid ?? '', false);
  });
}

/**
 * A reservation key (decide/reservation-key.ts) → is that object in the snapshot (so its usage is
 * counted there), or deleted since (`deleted`: then it takes no room at all)? With a uid in the key,
 * only the object of that uid is; an earlier object of the same name still in the snapshot is not.
 */
export function countedBySnapshot(snapshot: ClusterSnapshot, deleted?: DeletedObjects): IsCounted {
  return (key) => {
    if (deleted?.has(key) === true) return true;
    const parsed = parseReservationKey(key);
    return parsed !== undefined && keyMatches(parsed, storedObjectOf(snapshot, parsed));
  };
}

/**
 * A resize's reservation key (`resize/<object key>`) and target → what it still holds by the snapshot
 * (decide/resize-reservation.ts resizeStillHeld): nothing once the snapshot shows the object at its
 * target, or the object was deleted since (`deleted`); the whole target for a key it cannot read.
 */
export function heldBySnapshot(snapshot: ClusterSnapshot, deleted?: DeletedObjects): StillHeld {
  return (key, target) => {
    const objectKey = objectKeyOfResize(key);
    const parsed = objectKey === undefined ? undefined : parseReservationKey(objectKey);
    if (parsed === undefined) return target;
    if (deleted?.has(objectKey!) === true) return EMPTY_USAGE;
    return resizeStillHeld(snapshot, parsed, target);
  };
}
