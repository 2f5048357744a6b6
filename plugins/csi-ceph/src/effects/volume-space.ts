/** One (pool, RADOS namespace) on one connection: its I/O context and its journal. */
import { CSI_ERR, isCsiError } from '../errors.js';
import { Journal, type JournalOptions } from './journal.js';
import { ensureNamespace } from './ceph/rbd-images.js';
import type { RadosConnection } from './ceph/rados-connection.js';

export interface VolumeSpace {
  readonly pool: string;
  readonly namespace: string;
  readonly ioctx: unknown;
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
  return { pool, namespace, ioctx, journal: new Journal(ioctx, options.journal) };
}
