/** Finds a volume by ID for the RPCs that need it to exist (NOT_FOUND otherwise). */
import type { VolumeRecord } from '../../decide/journal-records.js';
import { decodeId, type VolumeRef } from '../../decide/volume-id.js';
import { CSI_ERR, csiError, isCsiError } from '../../errors.js';
import type { Credentials } from '../../decide/credentials.js';
import { openSpace, type VolumeSpace } from '../../effects/volume-space.js';
import type { RadosConnection } from '../../effects/ceph/rados-connection.js';
import type { ControllerDeps } from './controller-deps.js';

export interface FoundVolume {
  readonly ref: VolumeRef;
  readonly space: VolumeSpace;
  readonly record: VolumeRecord;
  readonly conn: RadosConnection;
}

/** Runs `fn` with the volume `id`; NOT_FOUND when the ID is malformed, of an unknown cluster, or gone. */
export async function withVolume<T>(
  deps: ControllerDeps,
  id: string,
  creds: Credentials,
  fn: (found: FoundVolume) => Promise<T>,
): Promise<T> {
  const ref = decodeId('v1', id);
  const cluster = ref ? deps.clusters.get(ref.clusterID) : undefined;
  const notFound = () => csiError(CSI_ERR.NOT_FOUND, `volume "${id}" does not exist`);
  if (!ref || !cluster) throw notFound();
  return deps.pool.with(cluster, creds, async (conn) => {
    const options = deps.journal ? { journal: deps.journal } : {};
    const space = await openSpace(conn, ref.pool, ref.namespace, options).catch((err: unknown) => {
      throw isCsiError(err, CSI_ERR.NOT_FOUND) ? notFound() : err;
    });
    const record = await space.journal.volume(ref.uuid);
    if (!record || record.state !== 'ready') throw notFound();
    return fn({ ref, space, record, conn });
  });
}
