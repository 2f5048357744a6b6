import { ADM_ERR, AdmissionError } from '../errors.js';
import { abandoned } from './admission-batch.js';
import type { ReservationStore, StoredRecord, StoredReservation } from './reservation-store.js';

/**
 * One store call (load or save) of a record, never started once `signal` has aborted, and given up
 * (its signal aborted, its answer ignored) after `timeoutMs` or when `signal` aborts meanwhile.
 */
export async function storeCall<T>(
  coordinationKey: string,
  what: 'load' | 'save',
  timeoutMs: number,
  signal: AbortSignal,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal.aborted) throw abandoned(coordinationKey, signal.reason);
  const controller = new AbortController();
  const stopped = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  const timer = setTimeout(() => {
    const message = `quota record ${coordinationKey}: ${what} got no answer within ${timeoutMs} ms`;
    controller.abort(new AdmissionError(ADM_ERR.INTERNAL, message));
  }, timeoutMs);
  const onAbort = () => controller.abort(abandoned(coordinationKey, signal.reason));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([run(controller.signal), stopped]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/** The store's calls for one key and batch, each under storeCall's time limit and the batch's signal. */
export interface StoreCalls {
  load(): Promise<StoredRecord>;
  save(version: string | undefined, entries: readonly StoredReservation[]): Promise<'ok' | 'conflict'>;
}

/** `store`'s load and save of `coordinationKey`, each one storeCall (never started once `signal` aborted). */
export function bindCalls(
  store: ReservationStore,
  coordinationKey: string,
  timeoutMs: number,
  signal: AbortSignal,
): StoreCalls {
  return {
    load: () => storeCall(coordinationKey, 'load', timeoutMs, signal, (s) => store.load(coordinationKey, s)),
    save: (version, entries) =>
      storeCall(coordinationKey, 'save', timeoutMs, signal, (s) =>
        store.save(coordinationKey, version, entries, s),
      ),
  };
}

/**
 * Did a save of `saved` over `before` land in `after`: did the record move on, holding every entry
 * the save added (each new entry carries its own `expiresAt`, to the millisecond)?
 */
function holdsSave(before: StoredRecord, saved: readonly StoredReservation[], after: StoredRecord): boolean {
  if (after.version === undefined || after.version === before.version) return false;
  const loaded = new Set(before.entries);
  const present = new Set(after.entries.map((entry) => JSON.stringify(entry)));
  return saved.every((entry) => loaded.has(entry) || present.has(JSON.stringify(entry)));
}

/**
 * Saves `entries` over `record`. A save that fails without a verdict (an API error, a lost answer, a
 * time-out) may have been stored all the same: the record is read once more, and if it holds the
 * save, the save counts as done; else the save's own error stands. Before, such a batch was refused
 * while its stored entries held room until their TTL.
 */
export async function saveOrFind(
  record: StoredRecord,
  entries: readonly StoredReservation[],
  call: StoreCalls,
): Promise<'ok' | 'conflict'> {
  try {
    return await call.save(record.version, entries);
  } catch (error) {
    const after = await call.load().catch(() => undefined);
    if (after !== undefined && holdsSave(record, entries, after)) return 'ok';
    throw error;
  }
}
