/**
 * DeleteVolume: validate, lock the ID, read the journal (absent = already deleted = success), remove
 * the image, then the journal entry. An ID this driver could not have issued names no volume: success.
 * On a pool at its quota or full both go through (the image's removal with FULL_TRY, the journal's
 * writes always carry it): a removal frees room, and is the way out of a full pool. A clone's flatten
 * waiting for a retry (flatten-retries.ts) is cancelled, and a running one awaited, before the removal.
 */
import { decodeId } from '../../decide/volume-id.js';
import { CSI_ERR, csiError, isCsiError } from '../../errors.js';
import { removeImage } from '../../effects/ceph/rbd-images.js';
import { openSpace } from '../../effects/volume-space.js';
import type { DeleteVolumeRequest__Output } from '../../generated/csi/v1/DeleteVolumeRequest.js';
import type { DeleteVolumeResponse } from '../../generated/csi/v1/DeleteVolumeResponse.js';
import { imageKey } from '../background-jobs.js';
import { credentialsFor, requireField, type ControllerDeps } from './controller-deps.js';

export async function deleteVolume(
  req: DeleteVolumeRequest__Output,
  deps: ControllerDeps,
): Promise<DeleteVolumeResponse> {
  const id = requireField(req.volume_id, 'volume_id');
  const creds = credentialsFor(deps, req.secrets);
  const ref = decodeId('v1', id);
  const cluster = ref ? deps.clusters.get(ref.clusterID) : undefined;
  if (!ref || !cluster) return {};
  return deps.locks.with([`volume/${id}`], () =>
    deps.pool.with(cluster, creds, async (conn) => {
      const space = await openSpace(conn, ref.pool, ref.namespace).catch((err: unknown) => {
        if (isCsiError(err, CSI_ERR.NOT_FOUND)) return undefined;
        throw err;
      });
      const record = await space?.journal.volume(ref.uuid);
      if (!space || !record) return {};
      const key = imageKey(space.pool, space.namespace, record.image);
      // No retry of the image's flatten starts any more; one running ends first (and may not retry).
      deps.flattenRetries?.cancel(key);
      await deps.jobs.settle(key);
      deps.flattenRetries?.cancel(key);
      try {
        await removeImage(space.fullTryIoctx, record.image);
      } catch (err) {
        if (!isCsiError(err, CSI_ERR.IN_USE)) throw err;
        throw csiError(
          CSI_ERR.IN_USE,
          `volume ${id} is still in use, or has snapshots or unflattened clones: delete those first or retry later`,
          { cause: err },
        );
      }
      await space.journal.removeVolume(ref.uuid, record.name);
      return {};
    }),
  );
}
