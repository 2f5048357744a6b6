/**
 * RADOS omap reads and writes on one object (the journal's storage), every call off the event loop.
 * A guarded write (`omapWriteIf`) is one write op: it creates the object if needed, compares keys
 * (`rados_write_op_omap_cmp`, EQ), then sets and removes keys; the OSD applies all of it or nothing.
 * A key the object lacks compares as the empty value (PrimaryLogPG's OMAP_CMP), so "expect ''" means
 * "the key is absent" (the journal never stores an empty value). A failed comparison is ECANCELED.
 *
 * Every write carries LIBRADOS_OPERATION_FULL_TRY: on a pool at its quota or full, librados would hold
 * a plain write until there is room (and answer ETIMEDOUT after rados_osd_op_timeout, which reads as
 * Ceph unreachable). With FULL_TRY the OSD answers at once: a write that only changes the keys of an
 * existing object (a reservation, a renewal, ready, an undo, a delete) goes through, since the OSD
 * checks for room only a write that adds objects or data bytes; one that creates the object fails
 * with EDQUOT (quota) or ENOSPC (full OSD), writing nothing.
 */
import koffi from 'koffi';
import { cephError, ERRNO } from './ceph-call.js';
import { callAsync, decodeBytes, ffi } from './ffi.js';

/** librados' LIBRADOS_CMPXATTR_OP_EQ. */
const CMP_EQ = 1;
const ECANCELED = 125;
/** librados' LIBRADOS_OPERATION_FULL_TRY (a write fails on a full pool instead of waiting for room). */
const OPERATION_FULL_TRY = 64;

/**
 * Sets and removes keys of `oid` in one atomic write op (creating the object if needed), only if
 * every key of `expect` holds exactly that value ('' = absent). Returns false when a comparison
 * failed (nothing was written); any other Ceph failure throws.
 */
export async function omapWriteIf(
  ioctx: unknown,
  oid: string,
  expect: Readonly<Record<string, string>>,
  set: Readonly<Record<string, string>>,
  remove: readonly string[] = [],
): Promise<boolean> {
  const { rados } = ffi();
  const op = rados.rados_create_write_op();
  try {
    rados.rados_write_op_create(op, 0, null);
    for (const [key, value] of Object.entries(expect)) {
      rados.rados_write_op_omap_cmp(op, key, CMP_EQ, value, Buffer.byteLength(value), null);
    }
    const keys = Object.keys(set);
    if (keys.length > 0) {
      const values = keys.map((k) => set[k] ?? '');
      const lens = values.map((v) => Buffer.byteLength(v));
      rados.rados_write_op_omap_set(op, keys, values, lens, keys.length);
    }
    if (remove.length > 0) rados.rados_write_op_omap_rm_keys(op, remove, remove.length);
    const rc = await callAsync<number>(
      rados.rados_write_op_operate,
      op,
      ioctx,
      oid,
      null,
      OPERATION_FULL_TRY,
    );
    if (rc === -ECANCELED && Object.keys(expect).length > 0) return false;
    if (rc < 0) throw cephError('omap write', -rc, oid);
    return true;
  } finally {
    rados.rados_release_write_op(op);
  }
}

/** Sets and removes keys of `oid` in one atomic write op (creating the object if needed). */
export async function omapWrite(
  ioctx: unknown,
  oid: string,
  set: Readonly<Record<string, string>>,
  remove: readonly string[] = [],
): Promise<void> {
  await omapWriteIf(ioctx, oid, {}, set, remove);
}

export interface OmapPage {
  readonly entries: ReadonlyMap<string, string>;
  readonly more: boolean;
}

/** Reads up to `max` keys of `oid` starting with `prefix`, after `startAfter`; a missing object is empty. */
export async function omapList(
  ioctx: unknown,
  oid: string,
  prefix: string,
  startAfter = '',
  max = 1000,
): Promise<OmapPage> {
  const { rados } = ffi();
  const op = rados.rados_create_read_op();
  const iter: unknown[] = [null];
  // librados writes `more` and `prval` when the op completes, after the call that registers them
  // returns: they must be memory that outlives that call (koffi's temporaries for _Out_ do not).
  const more = koffi.alloc('uint8_t', 1);
  const prval = koffi.alloc('int', 1);
  try {
    rados.rados_read_op_omap_get_vals2(op, startAfter, prefix, max, iter, more, prval);
    const rc = await callAsync<number>(rados.rados_read_op_operate, op, ioctx, oid, 0);
    if (rc === -ERRNO.ENOENT) return { entries: new Map(), more: false };
    if (rc < 0) throw cephError('omap read', -rc, oid);
    const entries = readIterator(iter[0]);
    return { entries, more: (koffi.decode(more, 'uint8_t') as number) !== 0 };
  } finally {
    rados.rados_release_read_op(op);
    koffi.free(more);
    koffi.free(prval);
  }
}

function readIterator(iter: unknown): Map<string, string> {
  const { rados } = ffi();
  const entries = new Map<string, string>();
  const key: unknown[] = [null];
  const val: unknown[] = [null];
  const keyLen = [0];
  const valLen = [0];
  try {
    while (rados.rados_omap_get_next2(iter, key, val, keyLen, valLen) === 0 && key[0] !== null) {
      entries.set(decodeBytes(key[0], keyLen[0] ?? 0), decodeBytes(val[0], valLen[0] ?? 0));
    }
  } finally {
    rados.rados_omap_get_end(iter);
  }
  return entries;
}

/** Reads one key; undefined when the key or the object is missing. */
export async function omapGet(ioctx: unknown, oid: string, key: string): Promise<string | undefined> {
  // The prefix filter makes this a point read (keys sharing the prefix are few and sorted first).
  const page = await omapList(ioctx, oid, key, '', 1);
  return page.entries.get(key);
}
