import type { Usage } from '@corral/cluster';

/** One scope's running totals; a resource back at zero keeps its entry (0n) so that maps do not churn. */
interface ScopeTotal {
  readonly byResource: Map<string, bigint>;
  /** How many resources hold a non-zero total. */
  nonZero: number;
}

/** Scopes whose totals all went back to zero are dropped once this many have gathered. */
const IDLE_SCOPES_KEPT = 256;

/** total += sign × delta; returns how the count of non-zero resources changed. */
function applyUsage(total: Map<string, bigint>, delta: Usage, sign: 1n | -1n): number {
  let change = 0;
  for (const [name, value] of delta) {
    if (value === 0n) continue;
    const before = total.get(name) ?? 0n;
    const next = sign > 0n ? before + value : before - value;
    total.set(name, next);
    if (before === 0n) change += 1;
    else if (next === 0n) change -= 1;
  }
  return change;
}

/**
 * Running usage totals per quota scope (`namespace/<ns>`, `department/<d>`), kept as reservations come
 * and go, so that reading a scope costs its few resource keys and not the number of reservations.
 * Reads never show a zero total. A scope whose totals all return to zero is kept for a while (a
 * namespace with pods being created returns to zero between reservations over and over; rebuilding
 * its maps each time was most of a reservation's cost) and dropped once IDLE_SCOPES_KEPT such scopes
 * have gathered, so memory stays bounded by the scopes in use plus that many.
 */
export class ScopeTotals {
  private readonly byScope = new Map<string, ScopeTotal>();
  private readonly idle = new Set<string>();

  /** How many scopes hold a non-zero total. */
  get scopeCount(): number {
    return this.byScope.size - this.idle.size;
  }

  /** Scopes held, idle ones included (for tests of the bound). */
  get heldScopeCount(): number {
    return this.byScope.size;
  }

  /** Adds (sign 1n) or takes away (-1n) `usage` in each of `scopes` (given without duplicates). */
  apply(scopes: readonly string[], usage: Usage, sign: 1n | -1n): void {
    for (const scope of scopes) {
      let total = this.byScope.get(scope);
      if (total === undefined) {
        total = { byResource: new Map(), nonZero: 0 };
        this.byScope.set(scope, total);
        this.idle.add(scope);
      }
      const wasIdle = total.nonZero === 0;
      total.nonZero += applyUsage(total.byResource, usage, sign);
      if (wasIdle && total.nonZero > 0) this.idle.delete(scope);
      else if (!wasIdle && total.nonZero === 0) this.idle.add(scope);
    }
    if (this.idle.size > IDLE_SCOPES_KEPT) this.dropIdle();
  }

  /** A copy of the scope's non-zero totals (the caller may keep it), less `without` when given. */
  copyOf(scope: string, without?: Usage): Map<string, bigint> {
    const copy = new Map<string, bigint>();
    const total = this.byScope.get(scope);
    if (total === undefined || total.nonZero === 0) return copy;
    for (const [name, value] of total.byResource) {
      const less = without?.get(name);
      const kept = less === undefined ? value : value - less;
      if (kept !== 0n) copy.set(name, kept);
    }
    return copy;
  }

  private dropIdle(): void {
    for (const scope of this.idle) this.byScope.delete(scope);
    this.idle.clear();
  }
}
