/**
 * The OSD map's pool flags and quotas (mon command `osd pool ls detail`, allowed by `profile rbd` mon
 * caps), read at most once per POOL_FLAGS_TTL_MS per connection: calls within that time, and calls
 * while a read is in flight, share one answer. One read lists every pool, so the cost does not grow
 * with the number of pools a controller serves.
 */
import { parsePoolFullness, type PoolFullness } from '../../decide/pool-room.js';
import { csiError } from '../../errors.js';
import { monCommand } from './mon-command.js';
import type { RadosConnection } from './rados-connection.js';

/**
 * How long an answer is reused. The mons themselves set or clear a pool's full flag a second or a few
 * after its usage or quota changed; a second more keeps a burst of creates to one mon command.
 */
export const POOL_FLAGS_TTL_MS = 1000;

interface Cached {
  readonly at: number;
  readonly pools: Promise<ReadonlyMap<string, PoolFullness>>;
}

const CACHE = new WeakMap<RadosConnection, Cached>();

/** Every pool's room on the connection's cluster (`now`: the clock, for tests). */
export function poolFullness(
  conn: RadosConnection,
  now: () => number = Date.now,
): Promise<ReadonlyMap<string, PoolFullness>> {
  const cached = CACHE.get(conn);
  if (cached && now() - cached.at < POOL_FLAGS_TTL_MS) return cached.pools;
  return poolFullnessNow(conn, now);
}

/**
 * Every pool's room as the mons say it now, never a reused answer (that answer is then reused by
 * poolFullness): for a write that was held until `--ceph-timeout`, to tell a pool that filled after
 * the check (pool-room.ts explainHeld) from an unreachable Ceph.
 */
export function poolFullnessNow(
  conn: RadosConnection,
  now: () => number = Date.now,
): Promise<ReadonlyMap<string, PoolFullness>> {
  const at = now();
  const pools = monCommand(conn, { prefix: 'osd pool ls', detail: 'detail', format: 'json' }).then((json) => {
    const parsed = parsePoolFullness(json);
    if (parsed.status === 'fail') throw csiError(parsed.code, parsed.message);
    return parsed.value;
  });
  CACHE.set(conn, { at, pools });
  // A failed read is not reused: the next call asks again.
  pools.catch(() => {
    if (CACHE.get(conn)?.pools === pools) CACHE.delete(conn);
  });
  return pools;
}
