/** What `/readyz` answers: ready, or the reasons why not. */
export interface ReadinessReport {
  readonly ready: boolean;
  readonly reasons: readonly string[];
}

/** Named readiness conditions (`informer:pods`, `tls`…) plus the shutting-down flag. */
export interface Readiness {
  /**
   * Sets one condition; `reason` says why it is false (e.g. `waiting for the first LIST`), and
   * /readyz shows it after the condition's name (`Pod: waiting for the first LIST`), so that several
   * conditions false for the same reason can be told apart.
   */
  set(name: string, ok: boolean, reason?: string): void;
  /** From now on the service is never ready again: /readyz turns 503 so traffic drains away. */
  markShuttingDown(): void;
  isShuttingDown(): boolean;
  /** Ready only when every condition is true and the service is not shutting down. Safe to pass unbound. */
  report(): ReadinessReport;
}

interface Condition {
  readonly ok: boolean;
  readonly reason: string;
}

/** Given the conditions the service must meet (all initially false), returns its readiness state. */
export function createReadiness(conditions: readonly string[] = []): Readiness {
  const state = new Map<string, Condition>(
    conditions.map((name) => [name, { ok: false, reason: `${name} pending` }]),
  );
  let shuttingDown = false;
  return {
    set(name, ok, reason) {
      state.set(name, { ok, reason: reason === undefined ? `${name} not ready` : `${name}: ${reason}` });
    },
    markShuttingDown() {
      shuttingDown = true;
    },
    isShuttingDown: () => shuttingDown,
    report() {
      const reasons = [...state.values()].filter((c) => !c.ok).map((c) => c.reason);
      if (shuttingDown) reasons.unshift('shutting down');
      return { ready: reasons.length === 0, reasons };
    },
  };
}
