/**
 * Full pools (decide/pool-room.ts): the check CreateVolume, CreateSnapshot and ControllerExpandVolume
 * run before they reserve or write anything, the message for a write an OSD refused because the
 * pool filled after the check (a FULL_TRY write: EDQUOT or ENOSPC, CSI_ERR_POOL_FULL), and the same
 * answer for a write without FULL_TRY that librados held until `--ceph-timeout` for that reason
 * (explainHeld).
 */
import { checkPoolRoom, fullnessFromErrno, poolFullMessage } from '../../decide/pool-room.js';
import type { Decision } from '../../decide/decision.js';
import { CSI_ERR, csiError, isCsiError } from '../../errors.js';
import { ERRNO, hasErrno } from '../../effects/ceph/ceph-call.js';
import { poolFullness, poolFullnessNow } from '../../effects/ceph/pool-flags.js';
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

/**
 * `err`, unless it is a write librados held until `--ceph-timeout` (UNAVAILABLE, errno ETIMEDOUT)
 * while `pool` is full as the mons say now (read afresh, not the answer the check reused): then
 * CSI_ERR_POOL_FULL naming the pool, its quota and the fix, as the check would have answered. The
 * writes of a snapshot and of a growth carry no FULL_TRY (with it librbd takes a snapshot whose
 * object map is invalid, and grows an image past the quota), so a pool that fills after the check
 * holds them. Ceph unreachable (the mons do not answer either) stays UNAVAILABLE.
 */
export async function explainHeld(
  err: unknown,
  conn: RadosConnection,
  pool: string,
  action: string,
): Promise<unknown> {
  if (!isCsiError(err, CSI_ERR.CEPH_UNAVAILABLE) || !hasErrno(err, ERRNO.ETIMEDOUT)) return err;
  const fullness = await poolFullnessNow(conn).catch(() => undefined);
  const room = checkPoolRoom([pool], fullness, action);
  return room.status === 'fail' ? csiError(room.code, room.message, { cause: err }) : err;
}
