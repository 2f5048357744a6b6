/**
 * GetCapacity's answer: what a pool can still take, as `ceph df` computes it (`pools[].stats.max_avail`:
 * the free space of the OSDs its CRUSH rule uses, short of the full ratio, divided by its replication
 * or erasure-coding overhead), not the raw free space of the cluster.
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
  readonly stats?: { readonly max_avail?: unknown };
}

/** Given the JSON of `ceph df --format json` and a pool, returns the pool's max_avail in bytes. */
export function poolMaxAvail(dfJson: string, pool: string): Decision<bigint> {
  const rule = 'pool-capacity';
  let pools: readonly DfPool[] | undefined;
  try {
    const parsed = JSON.parse(dfJson) as { pools?: unknown };
    pools = Array.isArray(parsed.pools) ? (parsed.pools as DfPool[]) : undefined;
  } catch {
    pools = undefined;
  }
  if (!pools) return fail(rule, CSI_ERR.CEPH, 'the mons answered `df` with no pool list');
  const entry = pools.find((p) => p.name === pool);
  if (!entry) {
    return fail(
      rule,
      CSI_ERR.INVALID_ARGUMENT,
      `pool "${pool}" does not exist in this Ceph cluster: check the StorageClass parameter "pool"`,
    );
  }
  const bytes = entry.stats?.max_avail;
  if (typeof bytes !== 'number' || !Number.isFinite(bytes)) {
    return fail(rule, CSI_ERR.CEPH, `\`df\` reports no max_avail for pool "${pool}"`);
  }
  // Never negative (the spec), and a JSON number beyond 2^53 is only approximately an integer.
  return pass(rule, bytes > 0 ? BigInt(Math.floor(bytes)) : 0n);
}
