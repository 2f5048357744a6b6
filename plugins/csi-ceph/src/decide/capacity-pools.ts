/**
 * GetCapacity's answer: what a pool can still take, as `ceph df` computes it (`pools[].stats.max_avail`:
 * the free space of the OSDs its CRUSH rule uses, short of the full ratio, divided by its replication
 * or erasure-coding overhead), not the raw free space of the cluster; and no more than the pool's
 * byte quota leaves (`osd pool set-quota <pool> max_bytes N`: `df detail`'s `quota_bytes` less
 * `stored`), which `max_avail` does not account for.
 */
import { CSI_ERR } from '../errors.js';
import type { ClusterEntry } from './cluster-config.js';
import { fail, pass, type Decision } from './decision.js';
import { PARAM } from './parameters.js';

export interface CapacityTarget {
  readonly cluster: ClusterEntry;
  readonly pool: string;
}

/**
 * Given GetCapacity's parameters and the cluster config, returns the cluster and pool to measure:
 * `clusterID` (default: the first cluster), `pool` (default: the cluster's first `rbd.pools`).
 */
export function capacityTarget(
  parameters: Readonly<Record<string, string>>,
  clusters: ReadonlyMap<string, ClusterEntry>,
): Decision<CapacityTarget> {
  const rule = 'capacity-target';
  const clusterID = parameters[PARAM.clusterID];
  const cluster = clusterID ? clusters.get(clusterID) : clusters.values().next().value;
  if (!cluster) {
    const known = [...clusters.keys()].join(', ') || 'none';
    return fail(
      rule,
      CSI_ERR.UNKNOWN_CLUSTER,
      `clusterID "${clusterID ?? ''}" is not in the cluster config (known: ${known})`,
    );
  }
  const pool = parameters[PARAM.pool] || cluster.pools[0];
  if (!pool) {
    return fail(
      rule,
      CSI_ERR.INVALID_ARGUMENT,
      `parameter "pool" is required: cluster "${cluster.clusterID}" lists no rbd.pools to default to`,
    );
  }
  return pass(rule, { cluster, pool });
}

interface DfPool {
  readonly name?: unknown;
  readonly stats?: {
    readonly max_avail?: unknown;
    readonly quota_bytes?: unknown;
    readonly stored?: unknown;
  };
}

const RULE = 'pool-capacity';

/** A JSON number as whole bytes (never negative; beyond 2^53 a JSON number is only approximate). */
const wholeBytes = (n: number) => (n > 0 ? BigInt(Math.floor(n)) : 0n);

/**
 * Given a pool's max_avail, its byte quota (0: none) and the bytes it stores, returns what it can
 * still take: max_avail, or less when the quota leaves less (never negative: a pool past its quota
 * takes nothing).
 */
export function quotaCapped(maxAvail: bigint, quotaBytes: bigint, stored: bigint): bigint {
  if (quotaBytes <= 0n) return maxAvail;
  const left = quotaBytes > stored ? quotaBytes - stored : 0n;
  return left < maxAvail ? left : maxAvail;
}

function poolsOf(dfJson: string): readonly DfPool[] | undefined {
  try {
    const parsed = JSON.parse(dfJson) as { pools?: unknown };
    return Array.isArray(parsed.pools) ? (parsed.pools as DfPool[]) : undefined;
  } catch {
    return undefined;
  }
}

const isBytes = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Given the JSON of `ceph df detail --format json` (mon command `df`, `detail: "detail"`) and a pool,
 * returns what the pool can still take in bytes: its max_avail, capped by what its byte quota leaves
 * (quotaCapped). Output without quota fields (plain `df`) means no quota.
 */
export function poolAvailable(dfJson: string, pool: string): Decision<bigint> {
  const pools = poolsOf(dfJson);
  if (!pools) return fail(RULE, CSI_ERR.CEPH, 'the mons answered `df` with no pool list');
  const entry = pools.find((p) => p.name === pool);
  if (!entry) {
    return fail(
      RULE,
      CSI_ERR.INVALID_ARGUMENT,
      `pool "${pool}" does not exist in this Ceph cluster: check the StorageClass parameter "pool"`,
    );
  }
  const { max_avail: maxAvail, quota_bytes: quota = 0, stored } = entry.stats ?? {};
  if (!isBytes(maxAvail)) return fail(RULE, CSI_ERR.CEPH, `\`df\` reports no max_avail for pool "${pool}"`);
  if (!isBytes(quota))
    return fail(RULE, CSI_ERR.CEPH, `\`df\` reports a malformed quota_bytes for pool "${pool}"`);
  if (quota > 0 && !isBytes(stored)) {
    return fail(RULE, CSI_ERR.CEPH, `\`df\` reports a quota but no stored bytes for pool "${pool}"`);
  }
  return pass(
    RULE,
    quotaCapped(wholeBytes(maxAvail), wholeBytes(quota), wholeBytes(isBytes(stored) ? stored : 0)),
  );
}
