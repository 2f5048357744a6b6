/**
 * Lets one event per key through per interval (e.g. one log line per peer address per minute) and
 * counts the ones it held back. Keeps at most `maxKeys` keys: past that, keys quiet for a whole
 * interval are forgotten first, then the oldest.
 */
export class OncePerInterval {
  private readonly last = new Map<string, { at: number; skipped: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  /**
   * Given a key, returns how many of its events were held back since the last one let through when
   * this one goes through (0 for the first), or undefined when it is held back.
   */
  take(key: string): number | undefined {
    const at = this.now();
    const entry = this.last.get(key);
    if (entry !== undefined && at - entry.at < this.intervalMs) {
      entry.skipped += 1;
      return undefined;
    }
    this.last.delete(key);
    this.last.set(key, { at, skipped: 0 });
    if (this.last.size > this.maxKeys) this.forget(at);
    return entry?.skipped ?? 0;
  }

  private forget(at: number): void {
    for (const [key, entry] of this.last) if (at - entry.at >= this.intervalMs) this.last.delete(key);
    for (const key of this.last.keys()) {
      if (this.last.size <= this.maxKeys) break;
      this.last.delete(key);
    }
  }
}
