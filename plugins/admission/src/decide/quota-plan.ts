import { tryParseQuantity, type ResourceMap } from '@corral/policy';
import { usageKeyOf } from '@corral/cluster';

/** Which container field a quota key makes compulsory (ResourceQuota's list: cpu and memory only). */
export interface Required {
  readonly kind: 'requests' | 'limits';
  readonly resource: 'cpu' | 'memory';
}

/** In the order messages list them; each with the quota keys that make it compulsory. */
export const REQUIRED: readonly (readonly [Required, readonly string[]])[] = [
  [{ kind: 'requests', resource: 'cpu' }, ['cpu', 'requests.cpu']],
  [{ kind: 'requests', resource: 'memory' }, ['memory', 'requests.memory']],
  [{ kind: 'limits', resource: 'cpu' }, ['limits.cpu']],
  [{ kind: 'limits', resource: 'memory' }, ['limits.memory']],
];

/** One hard limit: its quota key, the usage key it measures (usedFor) and the limit in nano-units. */
export interface HardLimit {
  readonly key: string;
  readonly usageKey: string;
  readonly hard: bigint;
}

/**
 * A quota's hard limits as checked, and the container fields it makes compulsory: parsed once per
 * policy object (policies are immutable snapshots) and kept in one record, so that a review's checks
 * of a scope find all of it with one look-up.
 */
export interface QuotaPlan {
  readonly limits: readonly HardLimit[];
  /** Does the quota name any key (one that does not parse included)? */
  readonly named: boolean;
  /** The REQUIRED fields its keys make compulsory, in REQUIRED's order. */
  readonly fields: readonly Required[];
  /** The same as a mask of REQUIRED bits (1 << index). */
  readonly mask: number;
}

const plans = new WeakMap<ResourceMap, QuotaPlan>();

/** Parses a quota's hard limits (policies are validated before use: keys that do not parse are left out). */
function parsePlan(hard: ResourceMap): QuotaPlan {
  const limits: HardLimit[] = [];
  const entries = Object.entries(hard);
  for (const [key, value] of entries) {
    const quantity = tryParseQuantity(value);
    if (quantity.ok) limits.push({ key, usageKey: usageKeyOf(key), hard: quantity.value.nanos });
  }
  const fields: Required[] = [];
  let mask = 0;
  REQUIRED.forEach(([field, keys], index) => {
    if (!keys.some((key) => hard[key] !== undefined)) return;
    fields.push(field);
    mask |= 1 << index;
  });
  return { limits, named: entries.length > 0, fields, mask };
}

/** The quota's plan, parsed on its first check. */
export function planOf(hard: ResourceMap): QuotaPlan {
  let plan = plans.get(hard);
  if (plan === undefined) {
    plan = parsePlan(hard);
    plans.set(hard, plan);
  }
  return plan;
}
