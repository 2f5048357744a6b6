import { EMPTY_USAGE, type Usage } from '@corral/cluster';
import { isDenial } from '../decide/decision.js';
import { largerOf } from '../decide/quota-decisions.js';
import type { Demand, ReservedUsage, ValidateResult } from '../decide/validate.js';
import { ADM_ERR, AdmissionError } from '../errors.js';
import type { ReservationStore, StoredReservation } from './reservation-store.js';

/** A load or save that has not answered after this long fails the review (docs/adr/0009). */
export const DEFAULT_CALL_TIMEOUT_MS = 2000;
/** Entries one record holds at most (a few hundred bytes each). */
export const DEFAULT_MAX_ENTRIES = 512;
/** Bytes the entries of one record take at most as JSON: a Lease's annotations may total 256 KiB. */
export const DEFAULT_MAX_RECORD_BYTES = 192 * 1024;

export interface SharedReservationsOptions {
  readonly store: ReservationStore;
  readonly ttlMs: number;
  /** Is the reserved object already counted by this replica's snapshot? */
  readonly isCounted: (key: string) => boolean;
  /** Attempts before giving up on a contended record (each a load + save). Default 20. */
  readonly maxAttempts?: number;
  /** Give up a store call (load or save) after this many ms. Default 2000. */
  readonly callTimeoutMs?: number;
  /** Entries a record may hold. Default 512. */
  readonly maxEntries?: number;
  /** Bytes (JSON) a record's entries may take. Default 192 KiB. */
  readonly maxRecordBytes?: number;
  readonly now?: () => number;
}

interface ReadEntry {
  readonly key: string;
  readonly scopes: readonly string[];
  readonly usage: Usage;
}

const toUsage = (usage: Readonly<Record<string, string>>): Usage =>
  new Map(Object.entries(usage).map(([key, value]) => [key, BigInt(value)]));

const fromUsage = (usage: Usage): Record<string, string> =>
  Object.fromEntries([...usage].map(([key, value]) => [key, value.toString()]));

function reservedFrom(entries: readonly StoredReservation[]): ReservedUsage {
  const read: ReadEntry[] = entries.map((entry) => ({ ...entry, usage: toUsage(entry.usage) }));
  return (scope, exclude) => {
    const total = new Map<string, bigint>();
    for (const entry of read) {
      if (entry.key === exclude || !entry.scopes.includes(scope)) continue;
      for (const [name, value] of entry.usage) total.set(name, (total.get(name) ?? 0n) + value);
    }
    return { held: total, less: EMPTY_USAGE };
  };
}

/**
 * The demand a key holds when the record already holds `previous` for it: per resource the larger of
 * both, in the scopes of both (as ReservationLedger.reserve; docs/adr/0009).
 */
function heldWith(previous: StoredReservation, demand: Demand): Demand {
  return {
    ...demand,
    key: demand.key,
    scopes: [...new Set([...previous.scopes, ...demand.scopes])],
    usage: largerOf(toUsage(previous.usage), demand.usage),
  };
}

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

export interface RecordBounds {
  readonly maxEntries: number;
  readonly maxRecordBytes: number;
}

/**
 * `kept` plus `added`, within the record's bounds. When over, drops the oldest entries (earliest
 * expiry) that this replica's snapshot counts, as few as needed; when that is not enough, throws:
 * the review fails (a 500 denial in enforce mode) rather than saving a record the API would refuse
 * or forgetting reservations nobody counts yet.
 */
export function withinBounds(
  coordinationKey: string,
  kept: readonly StoredReservation[],
  added: StoredReservation,
  isCounted: (key: string) => boolean,
  bounds: RecordBounds,
): StoredReservation[] {
  const next = [...kept, added];
  let count = next.length;
  let bytes = jsonBytes(next);
  const over = () => count > bounds.maxEntries || bytes > bounds.maxRecordBytes;
  if (!over()) return next;
  const dropped = new Set<StoredReservation>();
  const counted = kept.filter((entry) => isCounted(entry.key)).sort((a, b) => a.expiresAt - b.expiresAt);
  for (const entry of counted) {
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

const abandoned = (coordinationKey: string, cause?: unknown) =>
  new AdmissionError(
    ADM_ERR.DEADLINE,
    `quota check for ${coordinationKey} abandoned: the review was answered without it`,
    cause === undefined ? {} : { cause },
  );

/**
 * Quota reservations shared by every replica through a versioned record per coordination key
 * (docs/adr/0009): load, decide against `used + reserved`, and if admitted save the record with the new
 * reservation at the loaded version; on a conflict (another replica saved first) decide again on the
 * fresh record. Within a replica, requests for one key are queued, so they never conflict with each
 * other and only cross-replica races cost a retry.
 *
 * Entries leave the record only when their TTL passes (or, when the record is full, the oldest that
 * this replica counts): each replica skips, when reading, the entries its own snapshot counts, so an
 * object is counted once by every replica whatever its watch has delivered (see the ADR).
 */
export class SharedReservations {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly now: () => number;
  private readonly callTimeoutMs: number;
  private readonly bounds: RecordBounds;

  constructor(private readonly options: SharedReservationsOptions) {
    this.now = options.now ?? Date.now;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.bounds = {
      maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
      maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    };
  }

  /**
   * Runs `decide` with the shared reservations and records its demand if it admits. `signal` aborts
   * when the review has been answered without this: the attempt, queued or running, then stops (a
   * pending store call is given up) and rejects before its next store call, so it never saves.
   */
  admit(
    coordinationKey: string,
    dryRun: boolean,
    decide: (reserved: ReservedUsage) => ValidateResult,
    signal?: AbortSignal,
  ): Promise<ValidateResult> {
    if (signal?.aborted) return Promise.reject(abandoned(coordinationKey, signal.reason));
    const previous = this.queues.get(coordinationKey) ?? Promise.resolve();
    const turn = () => this.attempt(coordinationKey, dryRun, decide, signal);
    const run = previous.then(turn, turn);
    this.queues.set(coordinationKey, run);
    void run
      .finally(() => {
        if (this.queues.get(coordinationKey) === run) this.queues.delete(coordinationKey);
      })
      .catch(() => undefined);
    return run;
  }

  private async attempt(
    coordinationKey: string,
    dryRun: boolean,
    decide: (reserved: ReservedUsage) => ValidateResult,
    signal: AbortSignal | undefined,
  ): Promise<ValidateResult> {
    const { store, isCounted } = this.options;
    const attempts = this.options.maxAttempts ?? 20;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      const record = await this.call(coordinationKey, 'load', signal, (s) => store.load(coordinationKey, s));
      const now = this.now();
      const live = record.entries.filter((entry) => entry.expiresAt > now);
      // Skip, for this replica only, what its snapshot already counts; the record keeps it for the
      // replicas whose snapshots do not yet.
      const result = decide(reservedFrom(live.filter((entry) => !isCounted(entry.key))));
      const demand = result.demand;
      if (!demand || dryRun || result.decisions.some(isDenial)) return result;
      const kept = live.filter((entry) => entry.key !== demand.key);
      const previous = live.find((entry) => entry.key === demand.key);
      const entry = this.entryOf(previous === undefined ? demand : heldWith(previous, demand));
      const next = withinBounds(coordinationKey, kept, entry, isCounted, this.bounds);
      const saved = await this.call(coordinationKey, 'save', signal, (s) =>
        store.save(coordinationKey, record.version, next, s),
      );
      if (saved === 'ok') return result;
    }
    throw new AdmissionError(
      ADM_ERR.INTERNAL,
      `quota record ${coordinationKey} stayed contended after ${attempts} attempts`,
    );
  }

  private entryOf(demand: Demand): StoredReservation {
    return {
      key: demand.key,
      scopes: demand.scopes,
      usage: fromUsage(demand.usage),
      expiresAt: this.now() + Math.min(demand.ttlMs ?? this.options.ttlMs, this.options.ttlMs),
    };
  }

  /**
   * One store call, never started once the review was answered, and given up (its signal aborted,
   * its answer ignored) after `callTimeoutMs` or when the review is answered meanwhile.
   */
  private async call<T>(
    coordinationKey: string,
    what: 'load' | 'save',
    signal: AbortSignal | undefined,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (signal?.aborted) throw abandoned(coordinationKey, signal.reason);
    const controller = new AbortController();
    const stopped = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    const timer = setTimeout(() => {
      const message = `quota record ${coordinationKey}: ${what} got no answer within ${this.callTimeoutMs} ms`;
      controller.abort(new AdmissionError(ADM_ERR.INTERNAL, message));
    }, this.callTimeoutMs);
    const onAbort = () => controller.abort(abandoned(coordinationKey, signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([run(controller.signal), stopped]);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
