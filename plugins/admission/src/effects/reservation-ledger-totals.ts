import type { Usage } from '@corral/cluster';

/** target += sign × delta, deleting keys that reach zero. */
function applyUsage(target: Map<string, bigint>, delta: Usage, sign: 1n | -1n): void {
  for (const [name, value] of delta) {
    const before = target.get(name) ?? 0n;
    const next = sign > 0n ? before + value : before - value;
    if (next === 0n) target.delete(name);
    else target.set(name, next);
  }
}

/**
 * Running usage totals per quota scope (`namespace/<ns>`, `department/<d>`), kept as reservations come
 * and go, so that reading a scope costs its few resource keys and not the number of reservations. A
 * resource whose total returns to zero is deleted, and so is a scope left with none.
 */
export class ScopeTotals {
  private readonly byScope = new Map<string, Map<string, bigint>>();

  /** How many scopes hold a non-zero total. */
  get scopeCount(): number {
    return this.byScope.size;
  }

  /** Adds (sign 1n) or takes away (-1n) `usage` in each of `scopes` (given without duplicates). */
  apply(scopes: readonly string[], usage: Usage, sign: 1n | -1n): void {
    for (const scope of scopes) {
      let total = this.byScope.get(scope);
      if (total === undefined) {
        total = new Map();
        this.byScope.set(scope, total);
      }
      applyUsage(total, usage, sign);
      if (total.size === 0) this.byScope.delete(scope);
    }
  }

  /** A copy of the scope's total (the caller may keep it), less `without` when given. */
  copyOf(scope: string, without?: Usage): Map<string, bigint> {
    const copy = new Map(this.byScope.get(scope));
    if (without) applyUsage(copy, without, -1n);
    return copy;
  }
}
