import type { Usage } from '@corral/cluster';
import { isDenial } from '../decide/decision.js';
import type { ReservedUsage, ValidateResult } from '../decide/validate.js';
import { ADM_ERR, AdmissionError } from '../errors.js';
import type { ReservationStore, StoredReservation } from './reservation-store.js';

export interface SharedReservationsOptions {
  readonly store: ReservationStore;
  readonly ttlMs: number;
  /** Is the reserved object already counted by this replica's snapshot? */
  readonly isCounted: (key: string) => boolean;
  /** Attempts before giving up on a contended record (each a load + save). Default 20. */
  readonly maxAttempts?: number;
  readonly now?: () => number;
}

const toUsage = (usage: Readonly<Record<string, string>>): Usage =>
  new Map(Object.entries(usage).map(([key, value]) => [key, BigInt(value)]));

const fromUsage = (usage: Usage): Record<string, string> =>
  Object.fromEntries([...usage].map(([key, value]) => [key, value.toString()]));

function reservedFrom(entries: readonly StoredReservation[]): ReservedUsage {
  return (scope, exclude) => {
    const total = new Map<string, bigint>();
    for (const entry of entries) {
      if (entry.key === exclude || !entry.scopes.includes(scope)) continue;
      for (const [name, value] of toUsage(entry.usage)) total.set(name, (total.get(name) ?? 0n) + value);
    }
    return total;
  };
}

/**
 * Quota reservations shared by every replica through a versioned record per coordination key
 * (docs/adr/0009): load, decide against `used + reserved`, and if admitted save the record with the new
 * reservation at the loaded version; on a conflict (another replica saved first) decide again on the
 * fresh record. Within a replica, requests for one key are queued, so they never conflict with each
 * other and only cross-replica races cost a retry.
 */
export class SharedReservations {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly now: () => number;

  constructor(private readonly options: SharedReservationsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Runs `decide` with the shared reservations and records its demand if it admits. */
  admit(coordinationKey: string, dryRun: boolean, decide: (reserved: ReservedUsage) => ValidateResult) {
    const previous = this.queues.get(coordinationKey) ?? Promise.resolve();
    const run = previous.then(
      () => this.attempt(coordinationKey, dryRun, decide),
      () => this.attempt(coordinationKey, dryRun, decide),
    );
    this.queues.set(coordinationKey, run);
    void run
      .finally(() => {
        if (this.queues.get(coordinationKey) === run) this.queues.delete(coordinationKey);
      })
      .catch(() => undefined);
    return run;
  }

  private live(entries: readonly StoredReservation[]): StoredReservation[] {
    const now = this.now();
    return entries.filter((entry) => entry.expiresAt > now && !this.options.isCounted(entry.key));
  }

  private async attempt(
    coordinationKey: string,
    dryRun: boolean,
    decide: (reserved: ReservedUsage) => ValidateResult,
  ): Promise<ValidateResult> {
    const attempts = this.options.maxAttempts ?? 20;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      const record = await this.options.store.load(coordinationKey);
      const entries = this.live(record.entries);
      const result = decide(reservedFrom(entries));
      const demand = result.demand;
      if (!demand || dryRun || result.decisions.some(isDenial)) return result;
      const next: StoredReservation[] = [
        ...entries.filter((entry) => entry.key !== demand.key),
        {
          key: demand.key,
          scopes: demand.scopes,
          usage: fromUsage(demand.usage),
          expiresAt: this.now() + this.options.ttlMs,
        },
      ];
      if ((await this.options.store.save(coordinationKey, record.version, next)) === 'ok') return result;
    }
    throw new AdmissionError(
      ADM_ERR.INTERNAL,
      `quota record ${coordinationKey} stayed contended after ${attempts} attempts`,
    );
  }
}
