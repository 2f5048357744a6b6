/**
 * Where replicas share quota reservations (docs/adr/0009). One record per coordination key (a
 * department, or a namespace of no department), versioned: `save` succeeds only if the record is
 * still at the version `load` returned (optimistic concurrency, like ResourceQuota's status), else it
 * answers `conflict` and the caller reloads and retries.
 *
 * Record layout: a list of entries `{key: "Pod/<ns>/<name>/<uid>", scopes: ["namespace/<ns>",
 * "department/<d>"], usage: {<quota key>: "<nano-units>"}, expiresAt: <epoch ms>}`. A resize's entry
 * (key `resize/Pod/<ns>/<name>/<uid>`) also has `target: {<quota key>: "<nano-units>"}`, the object's
 * new size on the keys it grew on: each replica counts what the target exceeds its own snapshot's
 * count of the object by, nothing once its snapshot shows the object at the target; `usage` is what
 * it exceeded the admitting replica's snapshot by. Versions before resizes were reserved ignore
 * `target` (and keep it when they save) and never find a `resize/` key's object in their snapshot:
 * they count such an entry's `usage` until its TTL.
 */
export interface StoredReservation {
  readonly key: string;
  readonly scopes: readonly string[];
  readonly usage: Readonly<Record<string, string>>;
  readonly expiresAt: number;
  /** A resize's: the size the snapshot must show the object at (absent for a CREATE's entry). */
  readonly target?: Readonly<Record<string, string>>;
}

export interface StoredRecord {
  /** Opaque version (a resourceVersion); undefined when the record does not exist yet. */
  readonly version: string | undefined;
  readonly entries: readonly StoredReservation[];
}

/**
 * Digits an amount (a value of `usage` or `target`, decimal nano-units) may have. A reader skips an
 * entry with a longer one (a hand edit; parsing one costs time), and a writer never saves one
 * (record-bounds.ts): a quantity has at most 64 characters and an exponent of at most 100
 * (@corral/policy), so an object's demand has fewer than 200 digits. Before, readers took at most 40,
 * and the entry of a pod asking `cpu: 1e40` was skipped by every replica, so its pod took no room.
 */
export const MAX_AMOUNT_DIGITS = 1000;

/** Is `text` an amount as stored entries hold them (decimal digits, at most MAX_AMOUNT_DIGITS)? */
export const isStoredAmount = (text: unknown): text is string =>
  typeof text === 'string' && text.length > 0 && text.length <= MAX_AMOUNT_DIGITS && /^\d+$/.test(text);

/**
 * `signal` aborts when the caller stops waiting (the call took too long, or the review was answered
 * without it): a store should then give up the call if it can. A save abandoned that way may still
 * land: the caller reads the record once more to find out (store-call.ts `saveOrFind`); stored
 * later than that, its entry is an ordinary reservation that ends with its TTL.
 */
export interface ReservationStore {
  load(coordinationKey: string, signal?: AbortSignal): Promise<StoredRecord>;
  save(
    coordinationKey: string,
    version: string | undefined,
    entries: readonly StoredReservation[],
    signal?: AbortSignal,
  ): Promise<'ok' | 'conflict'>;
}

/** An in-process store with real version checks: for tests, and to show the protocol. */
export class MemoryReservationStore implements ReservationStore {
  private readonly records = new Map<string, { version: number; entries: readonly StoredReservation[] }>();
  saves = 0;
  conflicts = 0;

  constructor(private readonly latencyMs = 0) {}

  async load(coordinationKey: string): Promise<StoredRecord> {
    await this.delay();
    const record = this.records.get(coordinationKey);
    return record
      ? { version: String(record.version), entries: record.entries }
      : { version: undefined, entries: [] };
  }

  async save(coordinationKey: string, version: string | undefined, entries: readonly StoredReservation[]) {
    await this.delay();
    const current = this.records.get(coordinationKey);
    if ((current ? String(current.version) : undefined) !== version) {
      this.conflicts += 1;
      return 'conflict' as const;
    }
    this.saves += 1;
    this.records.set(coordinationKey, { version: (current?.version ?? 0) + 1, entries: [...entries] });
    return 'ok' as const;
  }

  private delay(): Promise<void> {
    if (this.latencyMs <= 0) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, Math.random() * this.latencyMs));
  }
}
