import { tryParseQuantity, type ResourceMap } from '@corral/policy';
import { formatUsageAmounts, usedFor, type Usage } from '@corral/cluster';
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
  readonly reserved: Usage;
}

/** Parsed hard limits, cached per policy object (policies are immutable snapshots). */
const parsedHard = new WeakMap<ResourceMap, [string, bigint][]>();

function hardLimits(hard: ResourceMap): [string, bigint][] {
  let parsed = parsedHard.get(hard);
  if (parsed === undefined) {
    parsed = [];
    for (const [key, value] of Object.entries(hard)) {
      const quantity = tryParseQuantity(value);
      if (quantity.ok) parsed.push([key, quantity.value.nanos]); // policies are validated before use
    }
    parsedHard.set(hard, parsed);
  }
  return parsed;
}

export interface Excess {
  readonly key: string;
  readonly total: bigint;
  readonly hard: bigint;
  readonly need: bigint;
}

/** The keys of `scope` that `demand` would take over their hard limit (only keys it adds to). */
export function quotaExcesses(scope: QuotaScope, demand: Usage): Excess[] {
  const found: Excess[] = [];
  for (const [key, hard] of hardLimits(scope.hard)) {
    const need = usedFor(demand, key);
    if (need <= 0n) continue;
    const total = usedFor(scope.used, key) + usedFor(scope.reserved, key) + need;
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
  if (Object.keys(scope.hard).length === 0) return skip(rule, `no ${scope.kind} quota`);
  const over = quotaExcesses(scope, demand);
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
