/**
 * librbd's trash object (`rbd_trash`) of one pool or RADOS namespace. librbd up to Ceph 18 moves an
 * image to the trash on its way out of rbd_remove, and creates this object at the first removal in a
 * pool or namespace. On a pool at its quota or full it cannot create it (EDQUOT, ENOSPC), and
 * rbd_remove then answers ENOENT for an image that is still there (Ceph tracker 64800; Ceph 19 creates
 * the object when a pool or namespace is initialised). `ensureTrashObject` makes the object, empty,
 * as Ceph 19 would have.
 */
import { cephError } from './ceph-call.js';
import { callAsync, ffi } from './ffi.js';

export const TRASH_OID = 'rbd_trash';
/**
 * librados' LIBRADOS_OPERATION_FULL_FORCE: written even on a full pool. Used only for this empty
 * object (no data, no keys: the room it takes is one object), so that removals, which free room, can
 * proceed.
 */
const OPERATION_FULL_FORCE = 128;

/** Creates the (pool, namespace)'s `rbd_trash` object unless it exists (then nothing changes). */
export async function ensureTrashObject(ioctx: unknown): Promise<void> {
  const { rados } = ffi();
  const op = rados.rados_create_write_op();
  try {
    rados.rados_write_op_create(op, 0, null);
    const rc = await callAsync<number>(
      rados.rados_write_op_operate,
      op,
      ioctx,
      TRASH_OID,
      null,
      OPERATION_FULL_FORCE,
    );
    if (rc < 0) throw cephError('create', -rc, TRASH_OID);
  } finally {
    rados.rados_release_write_op(op);
  }
}
