import type { Usage } from '@corral/cluster';

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
}

export interface ReservationLedgerOptions {
  /** How long a reservation is held at most. */
  readonly ttlMs: number;
  /** Is the reserved object already counted by the snapshot? (Then the reservation is dropped.) */
  readonly isCounted: (key: string) => boolean;
  readonly now?: () => number;
}

export class ReservationLedger {
  private readonly byKey = new Map<string, Reservation>();
  private readonly now: () => number;

  constructor(private readonly options: ReservationLedgerOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Usage reserved in `scope` by live reservations other than `exclude`. */
  reservedIn(scope: string, exclude = ''): Usage {
    this.prune();
    const total = new Map<string, bigint>();
    for (const reservation of this.byKey.values()) {
      if (reservation.key === exclude || !reservation.scopes.includes(scope)) continue;
      for (const [name, value] of reservation.usage) total.set(name, (total.get(name) ?? 0n) + value);
    }
    return total;
  }

  /** Holds `usage` in `scopes` under `key` (replacing an earlier reservation of the same object). */
  reserve(key: string, scopes: readonly string[], usage: Usage): void {
    this.byKey.set(key, { key, scopes: [...scopes], usage, expiresAt: this.now() + this.options.ttlMs });
  }

  release(key: string): void {
    this.byKey.delete(key);
  }

  /** Drops reservations that expired or whose object the snapshot now counts. */
  prune(): void {
    const now = this.now();
    for (const [key, reservation] of this.byKey) {
      if (reservation.expiresAt <= now || this.options.isCounted(key)) this.byKey.delete(key);
    }
  }
}
