/** One (pool, RADOS namespace) on one connection: its I/O context and its journal. */
import { CSI_ERR, isCsiError } from '../errors.js';
import { Journal, type JournalOptions } from './journal.js';
import { ensureNamespace } from './ceph/rbd-images.js';
import type { RadosConnection } from './ceph/rados-connection.js';

export interface VolumeSpace {
  readonly pool: string;
  readonly namespace: string;
  readonly ioctx: unknown;
  /**
   * The same space with librados' pool FULL_TRY (RadosConnection.ioctx): on a pool at its quota or
   * full, its writes that need room fail at once (EDQUOT, ENOSPC: POOL_FULL) instead of waiting for
   * room, and removals, which free room, go through. For removals, and a new image's creation and
   * metadata; never for a snapshot or a resize, which librbd would then make anyway: a snapshot with
   * its object map marked invalid (the snapshot's object map object refused), a resize past the quota.
   */
  readonly fullTryIoctx: unknown;
  readonly journal: Journal;
}

/**
 * Opens the space; with `create`, makes the RBD namespace first when it does not exist yet. `journal`
 * sets the journal's clock and identity (tests).
 */
export async function openSpace(
  conn: RadosConnection,
  pool: string,
  namespace: string,
  options: { create?: boolean; journal?: JournalOptions } = {},
): Promise<VolumeSpace> {
  if (options.create && namespace !== '') {
    // A department user whose caps cover only its namespace may not look at the pool's default
    // namespace: then the admin has created the RBD namespace, and the journal write below will tell.
    await ensureNamespace(await conn.ioctx(pool, ''), namespace).catch((err: unknown) => {
      if (!isCsiError(err, CSI_ERR.CEPH_FORBIDDEN)) throw err;
    });
  }
  const ioctx = await conn.ioctx(pool, namespace);
  const fullTryIoctx = await conn.ioctx(pool, namespace, true);
  return { pool, namespace, ioctx, fullTryIoctx, journal: new Journal(ioctx, options.journal) };
}
