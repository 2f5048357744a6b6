/** Whether the snapshot can be decided from: every source synced. Fed by the snapshot's readiness. */
export interface SyncState {
  set(condition: string, ok: boolean, reason?: string): void;
  /** Reasons it is not synced; empty when synced. */
  pending(): readonly string[];
}

/** Given the conditions to wait for (all pending at first), returns the sync state. */
export function createSyncState(conditions: readonly string[] = []): SyncState {
  const state = new Map<string, string | undefined>(conditions.map((c) => [c, `${c} pending`]));
  return {
    set(condition, ok, reason) {
      state.set(condition, ok ? undefined : (reason ?? `${condition} not synced`));
    },
    pending: () => [...state.values()].filter((reason): reason is string => reason !== undefined),
  };
}
