/**
 * GetCapacity's answer: what a pool can still take, as `ceph df` computes it (`pools[].stats.max_avail`:
 * the free space of the OSDs its CRUSH rule uses, short of the full ratio, divided by its replication
 * or erasure-coding overhead), not the raw free space of the cluster; and no more than the pool's
 * byte quota leaves (`osd pool set-quota <pool> max_bytes N`: `osd pool get-quota`'s
 * `quota_max_bytes` less `current_num_bytes`, the count the mons hold against the quota), which
 * `max_avail` does not account for; and no more than an object-count quota leaves room for, in the
 * driver's 4 MiB data objects, after the objects a new volume's image brings with it.
 */
import { CSI_ERR } from '../errors.js';
import type { ClusterEntry } from './cluster-config.js';
import { fail, pass, type Decision } from './decision.js';
import { DEFAULT_OBJECT_BYTES } from './image-limits.js';
import { PARAM } from './parameters.js';
import { placeVolume, type Placement, type TenantView } from './placement.js';

export interface CapacityTarget {
  readonly cluster: ClusterEntry;
  readonly pool: string;
  /** Where the pool was named, for a message that says what to fix. */
  readonly origin: string;
}

/**
 * Given GetCapacity's parameters, the cluster config and the tenant view (undefined when the driver
 * runs without policies), returns the cluster and pool to measure: the pool a CreateVolume with the
 * same parameters would place its image in (placeVolume). That is the `pool` parameter (default: the
 * cluster's first `rbd.pools`) on the `clusterID` parameter's cluster (default: the first one); but
 * when the parameters carry a PVC namespace (`csi.storage.k8s.io/pvc/namespace`) of a Department with
 * `spec.storage`, that department's pool. Topology plays no part (CreateVolume places by neither).
 */
export function capacityTarget(
  parameters: Readonly<Record<string, string>>,
  clusters: ReadonlyMap<string, ClusterEntry>,
  tenants?: TenantView,
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
  const named = parameters[PARAM.pool] || cluster.pools[0] || '';
  const pvcNamespace = parameters[PARAM.pvcNamespace];
  const placed = placeVolume(
    { pool: named, ...(pvcNamespace ? { pvcNamespace } : {}) },
    cluster.radosNamespace,
    tenants,
  );
  if (placed.status === 'fail') return placed;
  const { pool } = placed.value;
  if (!pool) {
    return fail(
      rule,
      CSI_ERR.INVALID_ARGUMENT,
      `parameter "pool" is required: cluster "${cluster.clusterID}" lists no rbd.pools to default to`,
    );
  }
  return pass(rule, { cluster, pool, origin: poolOrigin(parameters, cluster, placed.value, tenants) });
}

/** Where the pool GetCapacity measures was named: a department's storage, the parameter, or the config. */
function poolOrigin(
  parameters: Readonly<Record<string, string>>,
  cluster: ClusterEntry,
  placed: Placement,
  tenants: TenantView | undefined,
): string {
  if (placed.department && tenants?.department(placed.department)?.spec.storage)
    return `spec.storage.pool of Department "${placed.department}"`;
  if (parameters[PARAM.pool]) return 'the StorageClass parameter "pool"';
  return `rbd.pools of cluster "${cluster.clusterID}" in the cluster config`;
}

interface DfPool {
  readonly name?: unknown;
  readonly stats?: {
    readonly max_avail?: unknown;
    readonly quota_bytes?: unknown;
    readonly quota_objects?: unknown;
  };
}

const RULE = 'pool-capacity';

/** A JSON number as whole bytes (never negative; beyond 2^53 a JSON number is only approximate). */
const wholeBytes = (n: number) => (n > 0 ? BigInt(Math.floor(n)) : 0n);

/**
 * Given a pool's max_avail, its byte quota (0: none) and the bytes the quota counts, returns what it
 * can still take: max_avail, or less when the quota leaves less (never negative: a pool past its quota
 * takes nothing).
 */
export function quotaCapped(maxAvail: bigint, quotaBytes: bigint, used: bigint): bigint {
  if (quotaBytes <= 0n) return maxAvail;
  const left = quotaBytes > used ? quotaBytes - used : 0n;
  return left < maxAvail ? left : maxAvail;
}

function parsed(json: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(json) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isBytes = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export interface DfPoolSpace {
  /** `max_avail`: what the OSDs under the pool's rule can still take for it. */
  readonly maxAvail: bigint;
  /** Does the pool have a byte or object-count quota? (plain `df`, without `detail`, reports none) */
  readonly hasQuota: boolean;
}

/**
 * Given the JSON of `ceph df detail --format json` (mon command `df`, `detail: "detail"`), a pool and
 * where it was named (for the message when it does not exist), returns its max_avail and byte quota.
 */
export function dfPoolSpace(
  dfJson: string,
  pool: string,
  origin = 'the StorageClass parameter "pool"',
): Decision<DfPoolSpace> {
  const pools = parsed(dfJson)?.['pools'];
  if (!Array.isArray(pools)) return fail(RULE, CSI_ERR.CEPH, 'the mons answered `df` with no pool list');
  const entry = (pools as DfPool[]).find((p) => p.name === pool);
  if (!entry) {
    return fail(
      RULE,
      CSI_ERR.INVALID_ARGUMENT,
      `pool "${pool}" does not exist in this Ceph cluster: check ${origin}`,
    );
  }
  const { max_avail: maxAvail, quota_bytes: quota = 0, quota_objects: objects = 0 } = entry.stats ?? {};
  if (!isBytes(maxAvail)) return fail(RULE, CSI_ERR.CEPH, `\`df\` reports no max_avail for pool "${pool}"`);
  if (!isBytes(quota) || !isBytes(objects))
    return fail(RULE, CSI_ERR.CEPH, `\`df\` reports a malformed quota for pool "${pool}"`);
  return pass(RULE, { maxAvail: wholeBytes(maxAvail), hasQuota: quota > 0 || objects > 0 });
}

export interface PoolQuota {
  /** 0: no byte quota. */
  readonly quotaBytes: bigint;
  /** The bytes the quota is checked against (the pool's logical object bytes, holes included). */
  readonly usedBytes: bigint;
  /** 0: no object-count quota. */
  readonly quotaObjects: bigint;
  readonly usedObjects: bigint;
}

/**
 * Given the JSON of `ceph osd pool get-quota <pool> --format json`, returns the byte quota and the
 * bytes it counts (`current_num_bytes`: what the mons compare with `quota_max_bytes` to mark the pool
 * full; `df`'s `stored` is what was written, which is less for sparse objects such as RBD's).
 */
export function poolQuota(getQuotaJson: string, pool: string): Decision<PoolQuota> {
  const answer = parsed(getQuotaJson);
  const fields = ['quota_max_bytes', 'current_num_bytes', 'quota_max_objects', 'current_num_objects'];
  const [quota, used, quotaObjects, usedObjects] = fields.map((field) => answer?.[field]);
  if (!isBytes(quota) || !isBytes(used) || !isBytes(quotaObjects) || !isBytes(usedObjects)) {
    return fail(RULE, CSI_ERR.CEPH, `\`osd pool get-quota\` gave no quotas and usage for pool "${pool}"`);
  }
  return pass(RULE, {
    quotaBytes: wholeBytes(quota),
    usedBytes: wholeBytes(used),
    quotaObjects: wholeBytes(quotaObjects),
    usedObjects: wholeBytes(usedObjects),
  });
}

/**
 * RADOS objects a new volume takes before any data: its image's `rbd_id.<name>`, `rbd_header.<id>`
 * and `rbd_object_map.<id>`, plus, for the first volume of a RADOS namespace, `rbd_directory` and the
 * driver's journal object (counted always: GetCapacity does not know the namespace).
 */
export const NEW_VOLUME_OBJECTS = 5n;

/**
 * Given a pool's max_avail and its quotas, returns what it can still take: max_avail capped by the
 * byte quota (quotaCapped), and under an object-count quota by the data objects it leaves room for
 * once a new volume's own objects are counted (NEW_VOLUME_OBJECTS; a volume's data is written in
 * 4 MiB objects, so each object left is 4 MiB more). Nothing once that room is gone (the mons mark
 * a pool full at its object quota: no write, hence no new image, goes through).
 */
export function capacityLeft(maxAvail: bigint, quota: PoolQuota): bigint {
  const byBytes = quotaCapped(maxAvail, quota.quotaBytes, quota.usedBytes);
  if (quota.quotaObjects <= 0n) return byBytes;
  const dataObjects = quota.quotaObjects - quota.usedObjects - NEW_VOLUME_OBJECTS;
  if (dataObjects <= 0n) return 0n;
  const byObjects = dataObjects * DEFAULT_OBJECT_BYTES;
  return byObjects < byBytes ? byObjects : byBytes;
}
