/**
 * Volumes made from a snapshot or from another volume: RBD clone v2 of the snapshot (for a volume
 * source, of a temporary snapshot taken for the purpose), grown to the requested size. Clones of a
 * snapshot are flattened in the background; clones of a volume are flattened before the call returns
 * and the temporary snapshot removed, so that the source volume can be deleted at once.
 */
import type { VolumeRecord } from '../../decide/journal-records.js';
import { decodeId, type VolumeRef } from '../../decide/volume-id.js';
import { CSI_ERR, csiError } from '../../errors.js';
import {
  cloneImage,
  createSnap,
  flattenImage,
  imageSize,
  removeSnap,
  resizeImage,
  withImage,
} from '../../effects/ceph/rbd-images.js';
import type { RadosConnection } from '../../effects/ceph/rados-connection.js';
import { openSpace, type VolumeSpace } from '../../effects/volume-space.js';
import type { VolumeContentSource__Output } from '../../generated/csi/v1/VolumeContentSource.js';

export interface SourceRef {
  readonly kind: 'snapshot' | 'volume';
  readonly id: string;
  readonly ref: VolumeRef;
}

/** The request's content source, parsed; NOT_FOUND for an ID this driver cannot have issued. */
export function parseSource(source: VolumeContentSource__Output | null | undefined): SourceRef | undefined {
  if (!source) return undefined;
  if (source.snapshot) return decoded('snapshot', source.snapshot.snapshot_id, 's1');
  if (source.volume) return decoded('volume', source.volume.volume_id, 'v1');
  throw csiError(CSI_ERR.INVALID_ARGUMENT, 'volume_content_source names neither a snapshot nor a volume');
}

function decoded(kind: 'snapshot' | 'volume', id: string, idKind: 's1' | 'v1'): SourceRef {
  const ref = decodeId(idKind, id);
  if (!ref) throw csiError(CSI_ERR.NOT_FOUND, `source ${kind} "${id}" does not exist`);
  return { kind, id, ref };
}

interface Parent {
  readonly space: VolumeSpace;
  readonly image: string;
  readonly snap: string;
  readonly bytes: bigint;
  /** A snapshot taken only for this clone, removed once the clone exists. */
  readonly temporary: boolean;
}

/** Finds the parent image and snapshot (taking a temporary snapshot for a volume source). */
async function parentOf(conn: RadosConnection, source: SourceRef, uuid: string): Promise<Parent> {
  const space = await openSpace(conn, source.ref.pool, source.ref.namespace);
  if (source.kind === 'snapshot') {
    const snap = await space.journal.snapshot(source.ref.uuid);
    if (!snap || snap.state !== 'ready')
      throw csiError(CSI_ERR.NOT_FOUND, `source snapshot "${source.id}" does not exist`);
    return { space, image: snap.sourceImage, snap: snap.snap, bytes: BigInt(snap.bytes), temporary: false };
  }
  const vol = await space.journal.volume(source.ref.uuid);
  if (!vol || vol.state !== 'ready')
    throw csiError(CSI_ERR.NOT_FOUND, `source volume "${source.id}" does not exist`);
  const snap = `csi-clone-${uuid}`;
  const bytes = await withImage(space.ioctx, vol.image, async (image) => {
    await createSnap(image, vol.image, snap);
    return imageSize(image, vol.image);
  });
  return { space, image: vol.image, snap, bytes, temporary: true };
}

/** Creates `record.image` in `target` as a clone of the source; returns a background flatten job. */
export async function cloneFromSource(
  conn: RadosConnection,
  source: SourceRef,
  target: VolumeSpace,
  record: VolumeRecord,
  uuid: string,
  features: bigint,
): Promise<(() => Promise<void>) | undefined> {
  const parent = await parentOf(conn, source, uuid);
  const bytes = BigInt(record.bytes);
  if (bytes < parent.bytes) {
    throw csiError(
      CSI_ERR.CAPACITY_OUT_OF_RANGE,
      `the requested ${bytes} bytes are less than the source's ${parent.bytes}: ask for at least the source's size`,
    );
  }
  await cloneImage(parent.space.ioctx, parent.image, parent.snap, target.ioctx, record.image, features | 1n);
  await withImage(target.ioctx, record.image, async (image) => {
    if ((await imageSize(image, record.image)) < bytes) await resizeImage(image, record.image, bytes);
  });
  if (parent.temporary) {
    // Clone v2: removing the parent snapshot moves it to the trash until the clone is flattened.
    await withImage(parent.space.ioctx, parent.image, (image) =>
      removeSnap(image, parent.image, parent.snap),
    );
  }
  return () => withImage(target.ioctx, record.image, (image) => flattenImage(image, record.image));
}
