import { EMPTY_USAGE, type Usage } from '@corral/cluster';
import type { Reserved } from '../decide/quota.js';
import { largerOf } from '../decide/quota-decisions.js';
import { largerTarget } from '../decide/resize-reservation.js';
import { ADM_ERR, AdmissionError } from '../errors.js';
import { ExpiryQueue } from './reservation-ledger-expiry.js';
import { ScopeTotals } from './reservation-ledger-totals.js';
import type { IsCounted, StillHeld } from './stored-usage.js';

/**
 * In-flight quota reservations of this replica. An admitted pod or claim takes from its quotas before
 * it appears in the cluster snapshot; until then (or until the TTL passes, e.g. when a later webhook
 * refused the object) its usage is held here so concurrent requests cannot all take the same room.
 * Reads and writes are synchronous: the check and the reservation happen in one turn of the event
 * loop, which makes them atomic within the process (see docs/adr/0009 for several replicas).
 */
export interface Reservation {
  readonly key: string;
  readonly scopes: readonly string[];
  readonly usage: Usage;
  readonly expiresAt: number;
  /** A resize's: the size the snapshot must show the object at before the reservation ends. */
  readonly target?: Usage;
}

/** A reservation as the ledger holds it: a resize's usage follows the snapshot (settleResize). */
interface Held extends Reservation {
  usage: Usage;
}

export interface ReservationLedgerOptions {
  /** How long a reservation is held at most. */
  readonly ttlMs: number;
  /**
   * Is the object already counted by the snapshot? Asked when reserving (then nothing is held). After
   * that the owner calls `settle(key)` each time the snapshot may have started counting an object.
   */
  readonly isCounted: IsCounted;
  /**
   * What a resize's reservation still holds by the snapshot (its target less the snapshot's count of
   * the object; empty: it ends). Asked when reserving and on `settleResize(key)`, which the owner calls
   * each time the snapshot may count the resized object differently. Without it, a resize's
   * reservation holds what it was given until the TTL.
   */
  readonly stillHeld?: StillHeld;
  readonly now?: () => number;
}

/**
 * The reservations, at O(1) amortized per call whatever their number: totals are kept per scope as
 * reservations come and go, expiry reads a queue in expiry order (reservation-ledger-expiry.ts), and
 * the snapshot tells the ledger which objects it now counts (`settle`) instead of being asked about
 * every reservation on every read.
 */
/** The scopes without repeats (a quota request names one or two, rarely the same twice). */
function distinct(scopes: readonly string[]): readonly string[] {
  if (scopes.length < 2 || (scopes.length === 2 && scopes[0] !== scopes[1])) return scopes.slice();
  return [...new Set(scopes)];
}

/** The scopes of both reservations of one key; the earlier list itself when it holds them all. */
function mergedScopes(earlier: readonly string[], scopes: readonly string[]): readonly string[] {
  return scopes.every((scope) => earlier.includes(scope)) ? earlier : distinct([...earlier, ...scopes]);
}

export class ReservationLedger {
  private readonly byKey = new Map<string, Held>();
  private readonly totals = new ScopeTotals();
  private readonly queue = new ExpiryQueue<Held>((item) => this.byKey.get(item.key) === item);
  private readonly now: () => number;
  /** Reservations of resizes held (those with a target). */
  private resizes = 0;

  constructor(private readonly options: ReservationLedgerOptions) {
    if (!(options.ttlMs >= 0))
      throw new AdmissionError(ADM_ERR.INTERNAL, `reservation TTL must be >= 0 ms, got ${options.ttlMs}`);
    this.now = options.now ?? Date.now;
  }

  /** Reservations held (an expired one until the next reservedIn or reserve takes it off). */
  get size(): number {
    return this.byKey.size;
  }

  /** Reservations of resizes held (as `size`, expired ones until taken off). */
  get resizeCount(): number {
    return this.resizes;
  }

  /**
   * The reads of one review's quota checks: takes off what has expired once, then answers, per scope,
   * what live reservations other than `exclude` hold there, as the scope's totals less `exclude`'s own
   * usage there. No copy is made, so use the answers at once (the next reserve, release or expiry
   * changes them); and nothing expires between the reads, which keeps them consistent: a reservation
   * expiring after the first scope's read would leave that scope's totals without it while its
   * `less` still took it off.
   */
  reads(): (scope: string, exclude: string) => Reserved {
    this.expire(this.now());
    return (scope, exclude) => {
      const excluded = exclude === '' ? undefined : this.byKey.get(exclude);
      const less = excluded !== undefined && excluded.scopes.includes(scope) ? excluded.usage : EMPTY_USAGE;
      return { held: this.totals.view(scope), less };
    };
  }

  /** One read of `reads()`, on its own. */
  reserved(scope: string, exclude = ''): Reserved {
    return this.reads()(scope, exclude);
  }

  /** Usage reserved in `scope` by live reservations other than `exclude`: a fresh map, the caller's. */
  reservedIn(scope: string, exclude = ''): Usage {
    return this.totals.copyOf(scope, this.reserved(scope, exclude).less);
  }

  /**
   * Holds `usage` in `scopes` under `key`, unless the snapshot already counts the object. A live
   * reservation of the same key is replaced by one holding, per resource, the larger of both (either
   * review may be the one that lands; docs/adr/0009), with a fresh TTL (`ttlMs`, at most the ledger's).
   * The ledger keeps `usage`
   * itself, not a copy: the caller hands it over (Usage is read-only to both).
   * With a `target`, the reservation of a resize (`resize/<object key>`): it ends once the snapshot
   * shows the object at its target, not as soon as it shows the object (see `settleResize`).
   * `counted`: whether the snapshot already counts the object, when the caller has just looked it up
   * in the same turn (the webhook's quota check does); unset, the ledger asks `isCounted`.
   */
  reserve(
    key: string,
    scopes: readonly string[],
    usage: Usage,
    ttlMs = this.options.ttlMs,
    target?: Usage,
    counted?: boolean,
  ): void {
    if (target !== undefined) return this.reserveResize(key, scopes, usage, ttlMs, target);
    const now = this.now();
    this.expire(now);
    const previous = this.byKey.get(key);
    if (previous !== undefined) this.takeOff(previous);
    if (counted ?? this.options.isCounted(key)) {
      if (previous !== undefined) this.byKey.delete(key);
    } else {
      // Replaces `previous` in byKey in place (one look-up of the key, no delete and insert).
      this.hold({
        key,
        scopes: previous === undefined ? distinct(scopes) : mergedScopes(previous.scopes, scopes),
        usage: previous === undefined ? usage : largerOf(previous.usage, usage),
        expiresAt: now + Math.min(ttlMs, this.options.ttlMs),
      });
    }
    // Only once byKey no longer holds it: the queue may compact now, keeping the current items.
    if (previous !== undefined) this.queue.forget();
  }

  release(key: string): void {
    const reservation = this.byKey.get(key);
    if (reservation === undefined) return;
    this.byKey.delete(key);
    this.takeOff(reservation);
    this.queue.forget();
  }

  /**
   * The snapshot may now count the resized object of `key` differently (it was just added or changed
   * there): the resize's reservation then holds what its target still exceeds the snapshot's count
   * by, and ends when that is nothing. The object at its old size leaves it as it is.
   */
  settleResize(key: string): void {
    const held = this.byKey.get(key);
    if (held?.target === undefined || this.options.stillHeld === undefined) return;
    const usage = this.options.stillHeld(key, held.target);
    if (usage.size === 0) return this.release(key);
    this.totals.apply(held.scopes, held.usage, -1n);
    held.usage = usage;
    this.totals.apply(held.scopes, usage, 1n);
  }

  /**
   * The snapshot may now count the object `key` (it was just added or changed there): if it does, the
   * object's usage is counted there, so its reservation ends now, never to be counted twice.
   */
  settle(key: string): void {
    if (this.byKey.has(key) && this.options.isCounted(key)) this.release(key);
  }

  /**
   * A resize's reservation: one per object, replacing the earlier one, holding per key the larger
   * target of both (either review may be the one that lands), and of it what the snapshot does not
   * count yet (with `stillHeld`; else the larger usage of both). Nothing when that is nothing.
   */
  private reserveResize(
    key: string,
    scopes: readonly string[],
    usage: Usage,
    ttlMs: number,
    target: Usage,
  ): void {
    const now = this.now();
    this.expire(now);
    const previous = this.byKey.get(key);
    this.release(key);
    const merged = largerTarget(previous?.target, target);
    const { stillHeld } = this.options;
    const held = stillHeld
      ? stillHeld(key, merged)
      : previous === undefined
        ? usage
        : largerOf(previous.usage, usage);
    if (held.size === 0) return;
    this.hold({
      key,
      scopes: previous === undefined ? distinct(scopes) : mergedScopes(previous.scopes, scopes),
      usage: held,
      expiresAt: now + Math.min(ttlMs, this.options.ttlMs),
      target: merged,
    });
    this.resizes += 1;
  }

  /**
   * Takes a held reservation's usage off the totals; byKey and the queue (`forget`, once byKey no
   * longer holds it) are the caller's to update.
   */
  private takeOff(reservation: Held): void {
    this.totals.apply(reservation.scopes, reservation.usage, -1n);
    if (reservation.target !== undefined) this.resizes -= 1;
  }

  private hold(reservation: Held): void {
    this.byKey.set(reservation.key, reservation);
    this.totals.apply(reservation.scopes, reservation.usage, 1n);
    this.queue.push(reservation);
  }

  private expire(now: number): void {
    this.queue.popExpired(now, (reservation) => {
      this.byKey.delete(reservation.key);
      this.totals.apply(reservation.scopes, reservation.usage, -1n);
      if (reservation.target !== undefined) this.resizes -= 1;
    });
  }
}
