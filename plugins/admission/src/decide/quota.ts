import { tryParseQuantity, type ResourceMap } from '@corral/policy';
import { formatUsageValue, usedFor, type Usage } from '@corral/cluster';
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

interface Excess {
  readonly key: string;
  readonly total: bigint;
  readonly hard: bigint;
  readonly need: bigint;
}

function excesses(scope: QuotaScope, demand: Usage): Excess[] {
  const found: Excess[] = [];
  for (const [key, hard] of hardLimits(scope.hard)) {
    const need = usedFor(demand, key);
    if (need <= 0n) continue;
    const total = usedFor(scope.used, key) + usedFor(scope.reserved, key) + need;
    if (total > hard) found.push({ key, total, hard, need });
  }
  return found;
}

function describe(excess: Excess): string {
  const show = (nanos: bigint) => formatUsageValue(excess.key, nanos);
  return `${excess.key} would reach ${show(excess.total)} of ${show(excess.hard)} (this object asks ${show(excess.need)})`;
}

/**
 * Given a quota scope and what a new object adds (ResourceQuota keys, nano-units), returns pass, or
 * fail naming every key it would exceed and how to get room. Only keys the object adds to are checked,
 * as ResourceQuota does.
 */
export function checkQuota(scope: QuotaScope, demand: Usage): Decision {
  const rule = QUOTA_RULES[scope.kind];
  if (Object.keys(scope.hard).length === 0) return skip(rule, `no ${scope.kind} quota`);
  const over = excesses(scope, demand);
  if (over.length === 0) return pass(rule);
  const owner =
    scope.kind === 'namespace'
      ? `the NamespacePolicy quota of namespace ${scope.name}`
      : `the quota of department ${scope.name}`;
  return fail(
    rule,
    `exceeds ${owner}: ${over.map(describe).join('; ')}; lower the requests, remove unused objects, ` +
      'or ask a platform admin to raise the quota',
  );
}
