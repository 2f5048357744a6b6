export interface DeletedObjectsOptions {
  /** How long a deletion is remembered (at least as long as a shared reservation can live). */
  readonly ttlMs: number;
  /** Deletions remembered at most; the oldest go first. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * Pods and claims this replica's snapshot has seen deleted, by reservation key
 * (`Pod/<ns>/<name>/<uid>`), for a while. A shared quota record (docs/adr/0009) keeps an entry until
 * its TTL; each replica skips the entries its snapshot counts, and an object deleted since is no
 * longer counted there, so without this its entry would take room again until the TTL, for an object
 * that no longer exists (and fill the record under pod churn). A deleted object holds no room.
 */
export class DeletedObjects {
  /** Key → when it is forgotten; insertion order is expiry order (one TTL for all). */
  private readonly until = new Map<string, number>();
  private readonly now: () => number;
  private readonly maxEntries: number;

  constructor(private readonly options: DeletedObjectsOptions) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  get size(): number {
    return this.until.size;
  }

  add(key: string): void {
    const now = this.now();
    this.until.delete(key);
    this.until.set(key, now + this.options.ttlMs);
    for (const [oldest, expiresAt] of this.until) {
      if (expiresAt > now && this.until.size <= this.maxEntries) break;
      this.until.delete(oldest);
    }
  }

  has(key: string): boolean {
    const expiresAt = this.until.get(key);
    return expiresAt !== undefined && expiresAt > this.now();
  }
}
