import { tryParseQuantity, type ResourceMap } from '@corral/policy';
import { EMPTY_USAGE, formatUsageAmounts, usageKeyOf, type Usage } from '@corral/cluster';
import { fail, pass, skip, type Decision } from './decision.js';

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

/** One hard limit: its quota key, the usage key it measures (usedFor) and the limit in nano-units. */
interface HardLimit {
  readonly key: string;
  readonly usageKey: string;
  readonly hard: bigint;
}

/** A quota's hard limits as checked: parsed once per policy object (policies are immutable snapshots). */
interface QuotaPlan {
  readonly limits: readonly HardLimit[];
  /** Does the quota name any key (one that does not parse included)? */
  readonly named: boolean;
}

const plans = new WeakMap<ResourceMap, QuotaPlan>();

/** The quota's plan, parsed on its first check. */
function planOf(hard: ResourceMap): QuotaPlan {
  let plan = plans.get(hard);
  if (plan === undefined) {
    const limits: HardLimit[] = [];
    const entries = Object.entries(hard);
    for (const [key, value] of entries) {
      const quantity = tryParseQuantity(value);
      // Policies are validated before use.
      if (quantity.ok) limits.push({ key, usageKey: usageKeyOf(key), hard: quantity.value.nanos });
    }
    plan = { limits, named: entries.length > 0 };
    plans.set(hard, plan);
  }
  return plan;
}

const amount = (usage: Usage, key: string): bigint => usage.get(key) ?? 0n;

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

/** quotaExcesses, given the quota's parsed limits. */
function excessesOf(limits: readonly HardLimit[], scope: QuotaScope, demand: Usage): Excess[] {
  const found: Excess[] = [];
  const { held, less } = scope.reserved;
  for (const { key, usageKey, hard } of limits) {
    const need = amount(demand, usageKey);
    if (need <= 0n) continue;
    const total = amount(scope.used, usageKey) + amount(held, usageKey) - amount(less, usageKey) + need;
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
