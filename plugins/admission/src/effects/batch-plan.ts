import { EMPTY_USAGE } from '@corral/cluster';
import { isDenial } from '../decide/decision.js';
import { largerOf } from '../decide/quota-decisions.js';
import { largerTarget } from '../decide/resize-reservation.js';
import type { Demand, ReservedUsage, ValidateResult } from '../decide/validate.js';
import { withinBounds, type RecordBounds } from './record-bounds.js';
import type { StoredReservation } from './reservation-store.js';
import {
  entryReader,
  fromUsage,
  targetOf,
  usageOf,
  type EntryReader,
  type IsCounted,
  type StillHeld,
} from './stored-usage.js';

/** One admission of a batch: decided in arrival order against the record and the batch's earlier admits. */
export interface BatchRequest {
  readonly dryRun: boolean;
  readonly decide: (reserved: ReservedUsage) => ValidateResult;
}

export type BatchOutcome =
  { readonly ok: true; readonly result: ValidateResult } | { readonly ok: false; readonly error: unknown };

export interface BatchPlan {
  /** One per request, in the requests' order. */
  readonly outcomes: readonly BatchOutcome[];
  /** The entries to save, or undefined when no admitted (non-dry-run) demand was added. */
  readonly entries: readonly StoredReservation[] | undefined;
}

export interface PlanContext {
  readonly coordinationKey: string;
  /** This replica's clock: entries count until it passes their `expiresAt`. */
  readonly now: number;
  readonly ttlMs: number;
  /** What is saved keeps an entry until `expiresAt + graceMs` by this clock (clock skew, ADR 0009). */
  readonly graceMs: number;
  readonly isCounted: IsCounted;
  /**
   * What a resize's entry still holds by this replica's snapshot (its target less the snapshot's
   * count of the object). Without it, a resize's entry holds its stored usage until its TTL.
   */
  readonly stillHeld?: StillHeld;
  readonly bounds: RecordBounds;
}

function reservedFrom(entries: readonly StoredReservation[], reader: EntryReader): ReservedUsage {
  return (scope, exclude) => {
    const total = new Map<string, bigint>();
    for (const entry of entries) {
      if (entry.key === exclude || !entry.scopes.includes(scope)) continue;
      for (const [name, value] of reader.held(entry)) total.set(name, (total.get(name) ?? 0n) + value);
    }
    return { held: total, less: EMPTY_USAGE };
  };
}

/**
 * The demand a key holds when the record already holds `previous` for it: per resource the larger of
 * both, in the scopes of both, and a resize's target the larger of both (as ReservationLedger.reserve;
 * docs/adr/0009).
 */
function heldWith(previous: StoredReservation, demand: Demand): Demand {
  const held = {
    ...demand,
    key: demand.key,
    scopes: [...new Set([...previous.scopes, ...demand.scopes])],
    usage: largerOf(usageOf(previous), demand.usage),
  };
  return demand.target === undefined
    ? held
    : { ...held, target: largerTarget(targetOf(previous), demand.target) };
}

function entryOf(context: PlanContext, demand: Demand): StoredReservation {
  const entry = {
    key: demand.key,
    scopes: demand.scopes,
    usage: fromUsage(demand.usage),
    expiresAt: context.now + Math.min(demand.ttlMs ?? context.ttlMs, context.ttlMs),
  };
  return demand.target === undefined ? entry : { ...entry, target: fromUsage(demand.target) };
}

/** `entries` with `demand` added (merged with a live entry of its key), within the record's bounds. */
function withDemand(
  context: PlanContext,
  reader: EntryReader,
  entries: readonly StoredReservation[],
  demand: Demand,
): StoredReservation[] {
  const previous = entries.find((entry) => entry.key === demand.key && entry.expiresAt > context.now);
  const kept = entries.filter((entry) => entry.key !== demand.key);
  const entry = entryOf(context, previous === undefined ? demand : heldWith(previous, demand));
  const { coordinationKey, bounds, now } = context;
  return withinBounds(coordinationKey, kept, entry, (_key, e) => reader.counted(e), bounds, now);
}

/**
 * Decides `requests` in order against the loaded entries plus those admitted earlier in the batch, so
 * two requests of one batch never both take the last room. Reading skips entries expired by this
 * replica's clock and those its snapshot counts (a resize's: once it shows the object at its target;
 * until then the entry holds what the target exceeds this replica's count of the object by); the
 * entries to save keep every entry until its grace has passed too, so a replica whose clock runs
 * ahead never erases what the others still count. A request whose decision throws, or whose entry
 * does not fit the record, fails alone.
 */
export function planBatch(
  context: PlanContext,
  loaded: readonly StoredReservation[],
  requests: readonly BatchRequest[],
): BatchPlan {
  const { now, graceMs } = context;
  // The snapshot does not change while the batch is planned: each resize entry is read once.
  const reader = entryReader(context.isCounted, context.stillHeld);
  let entries: readonly StoredReservation[] = loaded.filter((entry) => entry.expiresAt + graceMs > now);
  let added = false;
  const outcomes = requests.map((request): BatchOutcome => {
    try {
      // Skip, for this replica only, what its snapshot already counts; the record keeps it for the
      // replicas whose snapshots do not yet.
      const read = entries.filter((entry) => entry.expiresAt > now && !reader.counted(entry));
      const result = request.decide(reservedFrom(read, reader));
      const demand = result.demand;
      if (demand && !request.dryRun && !result.decisions.some(isDenial)) {
        entries = withDemand(context, reader, entries, demand);
        added = true;
      }
      return { ok: true, result };
    } catch (error) {
      return { ok: false, error };
    }
  });
  return { outcomes, entries: added ? entries : undefined };
}
