/**
 * Whether a pool has room for a write, from the OSD map's pool flags as the mon command
 * `osd pool ls detail` reports them (`flags_names`, `quota_max_bytes`, `quota_max_objects`). The mons
 * set `full_quota` (with `full`) once the pool reached a quota (`ceph osd pool set-quota POOL
 * max_bytes|max_objects N`), and `full` alone once an OSD it uses reached the cluster's full ratio.
 * Then librados holds every write that needs room until the flag is cleared: a CreateVolume,
 * CreateSnapshot or ControllerExpandVolume would wait until `--ceph-timeout` and answer UNAVAILABLE,
 * as if Ceph were unreachable. These checks refuse it at once instead, RESOURCE_EXHAUSTED
 * (`CSI_ERR_POOL_FULL`), with what to do. `nearfull` refuses nothing (writes still go through).
 */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';

/** One pool's room, as the OSD map says. */
export interface PoolFullness {
  /** `full`: writes that need room are held (at a quota, or an OSD at the full ratio). */
  readonly full: boolean;
  /** `full_quota`: the pool reached its byte or object quota. */
  readonly fullQuota: boolean;
  /** The quotas (0: none), when known. */
  readonly quotaMaxBytes?: bigint;
  readonly quotaMaxObjects?: bigint;
}

interface ListedPool {
  readonly pool_name?: unknown;
  readonly flags_names?: unknown;
  readonly quota_max_bytes?: unknown;
  readonly quota_max_objects?: unknown;
}

const quota = (value: unknown): bigint =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? BigInt(value) : 0n;

/**
 * Given the JSON of `osd pool ls detail --format json`, returns each pool's room by name; fails
 * (CSI_ERR_CEPH) when the text is not that listing.
 */
export function parsePoolFullness(json: string): Decision<ReadonlyMap<string, PoolFullness>> {
  const rule = 'pool-flags';
  let listed: unknown;
  try {
    listed = JSON.parse(json);
  } catch {
    listed = undefined;
  }
  if (!Array.isArray(listed))
    return fail(rule, CSI_ERR.CEPH, 'osd pool ls detail answered something other than a list of pools');
  const pools = new Map<string, PoolFullness>();
  for (const entry of listed as ListedPool[]) {
    if (typeof entry?.pool_name !== 'string') continue;
    const flags = typeof entry.flags_names === 'string' ? entry.flags_names.split(',') : [];
    pools.set(entry.pool_name, {
      full: flags.includes('full'),
      fullQuota: flags.includes('full_quota'),
      quotaMaxBytes: quota(entry.quota_max_bytes),
      quotaMaxObjects: quota(entry.quota_max_objects),
    });
  }
  return pass(rule, pools);
}

/** The room an OSD's refusal of a FULL_TRY write tells: EDQUOT a quota, ENOSPC a full OSD. */
export function fullnessFromErrno(errno: number): PoolFullness {
  const EDQUOT = 122;
  return { full: true, fullQuota: errno === EDQUOT };
}

/** The quotas set on the pool, as `set-quota` names them ("max_bytes 10485760"), or undefined. */
function quotasText(state: PoolFullness): string | undefined {
  const set = [
    ...(state.quotaMaxBytes ? [`max_bytes ${state.quotaMaxBytes}`] : []),
    ...(state.quotaMaxObjects ? [`max_objects ${state.quotaMaxObjects}`] : []),
  ];
  return set.length > 0 ? set.join(', ') : undefined;
}

/** Why the pool is full and what frees it, for a message (`action`: what cannot happen now). */
export function poolFullMessage(pool: string, state: PoolFullness, action: string): string {
  const free = 'or free space in the pool (delete volumes or snapshots that are no longer needed)';
  if (state.fullQuota) {
    const quotas = quotasText(state);
    return (
      `pool "${pool}" is at its quota${quotas ? ` (${quotas})` : ''}: Ceph accepts no more data there, ` +
      `so ${action}: raise the pool quota with \`ceph osd pool set-quota ${pool} max_bytes|max_objects N\` ` +
      `(see \`ceph osd pool get-quota ${pool}\`) ${free}`
    );
  }
  return (
    `pool "${pool}" is full: an OSD it uses reached the cluster's full ratio (\`ceph health detail\`: ` +
    `OSD_FULL), so Ceph accepts no more data there and ${action}: add OSD capacity ${free}`
  );
}

/**
 * Given the pools a request writes to and their room (undefined: not known, e.g. the listing could
 * not be read), returns pass unless one of them is full; the failure names the pool, its quota or
 * fullness, and the fix. `action` says what cannot happen ("no volume can be created there").
 */
export function checkPoolRoom(
  pools: readonly string[],
  fullness: ReadonlyMap<string, PoolFullness> | undefined,
  action: string,
): Decision<null> {
  const rule = 'pool-room';
  for (const pool of pools) {
    const state = fullness?.get(pool);
    if (state?.full || state?.fullQuota)
      return fail(rule, CSI_ERR.POOL_FULL, poolFullMessage(pool, state, action));
  }
  return pass(rule, null);
}
