/**
 * Full pools (decide/pool-room.ts): the check CreateVolume, CreateSnapshot and ControllerExpandVolume
 * run before they reserve or write anything, and the message for a write an OSD refused because the
 * pool filled after the check (a FULL_TRY write: EDQUOT or ENOSPC, CSI_ERR_POOL_FULL).
 */
import { checkPoolRoom, fullnessFromErrno, poolFullMessage } from '../../decide/pool-room.js';
import type { Decision } from '../../decide/decision.js';
import { CSI_ERR, csiError, isCsiError } from '../../errors.js';
import { poolFullness } from '../../effects/ceph/pool-flags.js';
import type { RadosConnection } from '../../effects/ceph/rados-connection.js';

/**
 * Whether `pools` have room (pass) or one is full (fail, CSI_ERR_POOL_FULL), from the OSD map's pool
 * flags (cached a second). A listing the credentials may not read counts as room: the writes then
 * still fail fast where they carry FULL_TRY (the journal's, a new image's).
 */
export async function poolRoom(
  conn: RadosConnection,
  pools: readonly string[],
  action: string,
): Promise<Decision<null>> {
  const fullness = await poolFullness(conn).catch((err: unknown) => {
    if (isCsiError(err, CSI_ERR.CEPH_UNAVAILABLE)) throw err;
    return undefined;
  });
  return checkPoolRoom(pools, fullness, action);
}

/**
 * `err`, unless it is an OSD's refusal of a write for want of room (errno EDQUOT or ENOSPC), which
 * becomes CSI_ERR_POOL_FULL naming `pool`, why it is full and the fix (`action`: what could not happen).
 */
export function explainFull(err: unknown, pool: string, action: string): unknown {
  if (!isCsiError(err, CSI_ERR.POOL_FULL)) return err;
  const errno = err.details?.['errno'];
  if (typeof errno !== 'number') return err;
  return csiError(CSI_ERR.POOL_FULL, poolFullMessage(pool, fullnessFromErrno(errno), action), { cause: err });
}
