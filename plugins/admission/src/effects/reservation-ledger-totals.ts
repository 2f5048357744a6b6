import { EMPTY_USAGE, type Usage } from '@corral/cluster';

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
 * A scope whose totals all return to zero (idle) is kept for a while: a namespace with pods being
 * created returns to zero between reservations over and over, and rebuilding its maps each time was
 * most of a reservation's cost. Idle scopes are only counted on the way (no set of them is kept up to
 * date on every change) and swept once more than IDLE_SCOPES_KEPT have gathered, so memory stays
 * bounded by the scopes in use plus that many.
 */
export class ScopeTotals {
  private readonly byScope = new Map<string, ScopeTotal>();
  /** Scopes holding a non-zero total. */
  private live = 0;

  /** How many scopes hold a non-zero total. */
  get scopeCount(): number {
    return this.live;
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
      }
      const wasIdle = total.nonZero === 0;
      total.nonZero += applyUsage(total.byResource, usage, sign);
      if (wasIdle && total.nonZero > 0) this.live += 1;
      else if (!wasIdle && total.nonZero === 0) this.live -= 1;
    }
    if (this.byScope.size - this.live > IDLE_SCOPES_KEPT) this.dropIdle();
  }

  /**
   * The scope's totals as they are now, zero entries included: a view for reading at once (the next
   * `apply` changes it), never to be kept or changed by the caller.
   */
  view(scope: string): Usage {
    return this.byScope.get(scope)?.byResource ?? EMPTY_USAGE;
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
    for (const [scope, total] of this.byScope) if (total.nonZero === 0) this.byScope.delete(scope);
  }
}
