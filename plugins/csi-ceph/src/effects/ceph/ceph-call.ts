/** Turns librados/librbd return codes (negative errno) into catalogued CSI errors. */
import { CSI_ERR, csiError, type CsiError, type CsiErrorCode } from '../../errors.js';
import { callAsync, type NativeFn } from './ffi.js';

export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  ENOSPC: 28,
  ERANGE: 34,
  ENOTEMPTY: 39,
  ENOTCONN: 107,
  ESHUTDOWN: 108,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EDQUOT: 122,
  ECANCELED: 125,
} as const;

const UNAVAILABLE = new Set<number>([ERRNO.ENOTCONN, ERRNO.ESHUTDOWN, ERRNO.ETIMEDOUT, ERRNO.ECONNREFUSED]);
/**
 * What an OSD answers a write that needs room, sent with FULL_TRY, on a pool at its quota (EDQUOT)
 * or full (ENOSPC); without FULL_TRY librados holds such a write until there is room.
 */
const NO_ROOM = new Set<number>([ERRNO.EDQUOT, ERRNO.ENOSPC]);

/** The catalogue code for a librados/librbd errno (positive). */
export function codeForErrno(errno: number): CsiErrorCode {
  if (errno === ERRNO.ENOENT) return CSI_ERR.NOT_FOUND;
  if (UNAVAILABLE.has(errno)) return CSI_ERR.CEPH_UNAVAILABLE;
  if (NO_ROOM.has(errno)) return CSI_ERR.POOL_FULL;
  if (errno === ERRNO.EACCES) return CSI_ERR.CEPH_AUTH;
  if (errno === ERRNO.EPERM) return CSI_ERR.CEPH_FORBIDDEN;
  if (errno === ERRNO.EBUSY || errno === ERRNO.ENOTEMPTY) return CSI_ERR.IN_USE;
  return CSI_ERR.CEPH;
}

export function cephError(op: string, errno: number, what: string): CsiError {
  return csiError(codeForErrno(errno), `${op} ${what}: errno ${errno}`, { details: { op, errno } });
}

/** Is `err` a Ceph failure with this errno? */
export function hasErrno(err: unknown, errno: number): boolean {
  const details = (err as CsiError | undefined)?.details;
  return details !== undefined && details['errno'] === errno;
}

/** Calls a binding on a worker thread; a negative result becomes a CsiError naming `op` and `what`. */
export async function cephCall(fn: NativeFn, op: string, what: string, ...args: unknown[]) {
  const rc = await callAsync<number>(fn, ...args);
  if (rc < 0) throw cephError(op, -rc, what);
  return rc;
}
