import type { ResourceMap } from '@corral/policy';
import { EMPTY_USAGE, formatUsageAmounts, type Usage } from '@corral/cluster';
import { fail, pass, skip, type Decision } from './decision.js';
import { planOf, type HardLimit } from './quota-plan.js';

export const QUOTA_RULES = { namespace: 'namespace-quota', department: 'department-quota' } as const;

/** One quota that applies to a new object: its hard limits and what is already taken. */
export interface QuotaScope {
  readonly kind: 'namespace' | 'department';
  readonly name: string;
  readonly hard: ResourceMap;
  /** Usage of the objects in the cluster snapshot. */
  readonly used: Usage;
  /** Usage admitted but not yet in the snapshot (reservations). */
  readonly reserved: Reserved;
}

/**
 * What reservations hold in a scope: `held` less `less` (the reviewed object's own earlier
 * reservation, which its new review replaces). Both are read at once and never kept: the ledger's
 * totals are handed out as they are, without a copy per review.
 */
export interface Reserved {
  readonly held: Usage;
  readonly less: Usage;
}

export const NOTHING_RESERVED: Reserved = { held: EMPTY_USAGE, less: EMPTY_USAGE };

export interface Excess {
  readonly key: string;
  readonly total: bigint;
  readonly hard: bigint;
  readonly need: bigint;
}

/** The keys of `scope` that `demand` would take over their hard limit (only keys it adds to). */
export function quotaExcesses(scope: QuotaScope, demand: Usage): Excess[] {
  return excessesOf(planOf(scope.hard).limits, scope, demand);
}

/**
 * quotaExcesses, given the quota's parsed limits: per limit, the snapshot's usage plus what is
 * reserved (less the object's own earlier reservation) plus the demand, added only where each names
 * the key (a missing key adds nothing, exactly as 0n would; fewer bigints made per review).
 */
function excessesOf(limits: readonly HardLimit[], scope: QuotaScope, demand: Usage): Excess[] {
  const found: Excess[] = [];
  const { used } = scope;
  const { held, less } = scope.reserved;
  for (const { key, usageKey, hard } of limits) {
    const need = demand.get(usageKey);
    if (need === undefined || need <= 0n) continue;
    let total = need;
    const inUse = used.get(usageKey);
    if (inUse !== undefined) total += inUse;
    const reserved = held.get(usageKey);
    if (reserved !== undefined) total += reserved;
    const own = less.size === 0 ? undefined : less.get(usageKey);
    if (own !== undefined) total -= own;
    if (total > hard) found.push({ key, total, hard, need });
  }
  return found;
}

/** `requests.cpu would reach 1027.5 of 48 (this object asks 1000)`: the three amounts in one unit. */
export function describeExcess(excess: Excess): string {
  const [hard, total, need] = formatUsageAmounts(excess.key, [excess.hard, excess.total, excess.need]);
  return `${excess.key} would reach ${total} of ${hard} (this object asks ${need})`;
}

/**
 * Given a quota scope and what a new object adds (ResourceQuota keys, nano-units), returns pass, or
 * fail naming every key it would exceed and how to get room. Only keys the object adds to are checked,
 * as ResourceQuota does.
 */
export function checkQuota(scope: QuotaScope, demand: Usage): Decision {
  const rule = QUOTA_RULES[scope.kind];
  const plan = planOf(scope.hard);
  if (!plan.named) return skip(rule, `no ${scope.kind} quota`);
  const over = excessesOf(plan.limits, scope, demand);
  if (over.length === 0) return pass(rule);
  const owner =
    scope.kind === 'namespace'
      ? `the NamespacePolicy quota of namespace ${scope.name}`
      : `the quota of department ${scope.name}`;
  return fail(
    rule,
    `exceeds ${owner}: ${over.map(describeExcess).join('; ')}; lower the requests, remove unused objects, ` +
      'or ask a platform admin to raise the quota',
  );
}
