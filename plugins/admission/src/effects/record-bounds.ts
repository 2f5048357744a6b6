import { ADM_ERR, AdmissionError } from '../errors.js';
import { isStoredAmount, MAX_AMOUNT_DIGITS, type StoredReservation } from './reservation-store.js';

/** Entries one record holds at most (a few hundred bytes each). */
export const DEFAULT_MAX_ENTRIES = 512;
/** Bytes the entries of one record take at most as JSON: a Lease's annotations may total 256 KiB. */
export const DEFAULT_MAX_RECORD_BYTES = 192 * 1024;

export interface RecordBounds {
  readonly maxEntries: number;
  readonly maxRecordBytes: number;
}

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

const byExpiry = (a: StoredReservation, b: StoredReservation) => a.expiresAt - b.expiresAt;

const readable = (amounts: Readonly<Record<string, string>> | undefined): boolean =>
  amounts === undefined || Object.values(amounts).every(isStoredAmount);

/**
 * `kept` plus `added`, within the record's bounds. `added` must be an entry every reader loads (its
 * amounts at most MAX_AMOUNT_DIGITS long), else this throws: a saved entry that readers skip would
 * hold no room. When over, drops as few entries as needed: first those already expired by this
 * replica's clock (`now`; kept until then for replicas whose clocks run behind), then those this
 * replica's snapshot counts (`isCounted`; a resize's entry: at its target), each oldest (earliest
 * expiry) first. When that is not enough, throws: the review fails (a 500 denial in enforce mode)
 * rather than saving a record the API would refuse or forgetting reservations nobody counts yet.
 */
export function withinBounds(
  coordinationKey: string,
  kept: readonly StoredReservation[],
  added: StoredReservation,
  isCounted: (key: string, entry: StoredReservation) => boolean,
  bounds: RecordBounds,
  now = Number.NEGATIVE_INFINITY,
): StoredReservation[] {
  if (!readable(added.usage) || !readable(added.target)) {
    throw new AdmissionError(
      ADM_ERR.INTERNAL,
      `${added.key} cannot be recorded for ${coordinationKey}: an amount has more than ${MAX_AMOUNT_DIGITS} digits`,
    );
  }
  const next = [...kept, added];
  let count = next.length;
  let bytes = jsonBytes(next);
  const over = () => count > bounds.maxEntries || bytes > bounds.maxRecordBytes;
  if (!over()) return next;
  const dropped = new Set<StoredReservation>();
  const expired = kept.filter((entry) => entry.expiresAt <= now).sort(byExpiry);
  const counted = kept.filter((entry) => entry.expiresAt > now && isCounted(entry.key, entry)).sort(byExpiry);
  for (const entry of [...expired, ...counted]) {
    if (!over()) break;
    dropped.add(entry);
    count -= 1;
    bytes -= jsonBytes(entry) + 1; // and its comma
  }
  if (over()) {
    throw new AdmissionError(
      ADM_ERR.INTERNAL,
      `too many quota reservations in flight for ${coordinationKey}; retry`,
    );
  }
  return next.filter((entry) => !dropped.has(entry));
}
