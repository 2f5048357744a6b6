/**
 * Per-name/per-ID operation locks (STYLE.md #10): a second concurrent call on the same key fails at
 * once with ABORTED ("operation pending"), as the CSI spec asks, instead of queueing.
 */
import { CSI_ERR, csiError } from '../errors.js';

export class OperationLocks {
  private readonly held = new Set<string>();

  /** Runs `fn` holding every key (e.g. a name and a source ID); ABORTED if any is busy. */
  async with<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const busy = keys.find((k) => this.held.has(k));
    if (busy !== undefined) {
      throw csiError(
        CSI_ERR.OPERATION_PENDING,
        `an operation on ${busy} is already in progress: retry later`,
      );
    }
    for (const k of keys) this.held.add(k);
    try {
      return await fn();
    } finally {
      for (const k of keys) this.held.delete(k);
    }
  }

  get size(): number {
    return this.held.size;
  }
}
