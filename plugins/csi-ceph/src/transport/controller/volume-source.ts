/**
 * Volumes made from a snapshot or from another volume: RBD clone v2 of the snapshot (for a volume
 * source, of a temporary snapshot taken for the purpose), grown to the requested size, then flattened
 * in the background. A temporary snapshot is removed as soon as the clone exists, or the clone failed
 * (clone v2 keeps a removed parent snapshot in the trash until its last clone is flattened or removed),
 * so the source volume can be deleted once the clone's flatten is done.
 */
import type { VolumeRecord } from '../../decide/journal-records.js';
import { fingerprintFsType } from '../../decide/parameters.js';
import type { SourceFilesystem } from '../../decide/source-filesystem.js';
import { decodeId, type VolumeRef } from '../../decide/volume-id.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { ERRNO, hasErrno } from '../../effects/ceph/ceph-call.js';
import {
  cloneImage,
  createSnap,
  growImage,
  imageSize,
  parentOf as imageParent,
  readImageFeatures,
  removeImage,
  removeSnap,
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
  /** A snapshot taken only for this clone, removed once the clone exists. */
  readonly temporary: boolean;
}

/** The source's journal record, ready; NOT_FOUND when it is missing or not made yet. */
async function readySource<T extends { readonly state: string }>(
  source: SourceRef,
  record: Promise<T | undefined>,
): Promise<T> {
  const found = await record;
  if (!found || found.state !== 'ready')
    throw csiError(CSI_ERR.NOT_FOUND, `source ${source.kind} "${source.id}" does not exist`);
  return found;
}

const sourceSpace = (conn: RadosConnection, source: SourceRef) =>
  openSpace(conn, source.ref.pool, source.ref.namespace);

/** What CreateVolume learns of a source before reserving (sourceFacts). */
export interface SourceFacts {
  /** The size of its data: a snapshot's as it was taken (its record), a volume's image as it is now. */
  readonly bytes: () => Promise<bigint>;
  /** The department it belongs to: a volume's record's; a snapshot's own, else its volume's. */
  readonly department: string | undefined;
  /** What its volume (a snapshot's: the volume it was taken of) was made as, as far as its record says. */
  readonly filesystem: SourceFilesystem;
  /** The RBD features of the image a clone would be made from (layering: decide/source-layering.ts). */
  readonly features: () => Promise<bigint>;
}

/** What a volume's record says it was made as. */
function filesystemOf(record: VolumeRecord | undefined): SourceFilesystem {
  const fsType = record ? fingerprintFsType(record.fingerprint) : undefined;
  return {
    ...(record?.accessType ? { accessType: record.accessType } : {}),
    ...(fsType ? { fsType } : {}),
  };
}

/**
 * Reads the source's record (NOT_FOUND when the source does not exist): its department now, its size
 * on demand, so that the department is checked before anything about the data is read.
 */
export async function sourceFacts(conn: RadosConnection, source: SourceRef): Promise<SourceFacts> {
  const space = await sourceSpace(conn, source);
  if (source.kind === 'snapshot') {
    const snap = await readySource(source, space.journal.snapshot(source.ref.uuid));
    // The volume outlives its snapshots (DeleteVolume: FAILED_PRECONDITION), so its record is there.
    const of = await space.journal.volume(snap.sourceUuid);
    const department = snap.department ?? of?.department;
    return {
      department,
      filesystem: filesystemOf(of),
      bytes: async () => BigInt(snap.bytes),
      features: () => readImageFeatures(space.ioctx, snap.sourceImage),
    };
  }
  const vol = await readySource(source, space.journal.volume(source.ref.uuid));
  return {
    department: vol.department,
    filesystem: filesystemOf(vol),
    bytes: () => withImage(space.ioctx, vol.image, (image) => imageSize(image, vol.image)),
    features: () => readImageFeatures(space.ioctx, vol.image),
  };
}

/**
 * Finds the parent image and snapshot. For a volume source the size is checked BEFORE the temporary
 * snapshot is taken, so that a refused request leaves nothing on the source.
 */
async function parentOf(
  conn: RadosConnection,
  source: SourceRef,
  uuid: string,
  bytes: bigint,
): Promise<Parent> {
  const space = await sourceSpace(conn, source);
  if (source.kind === 'snapshot') {
    const snap = await readySource(source, space.journal.snapshot(source.ref.uuid));
    checkSize(bytes, BigInt(snap.bytes));
    return { space, image: snap.sourceImage, snap: snap.snap, temporary: false };
  }
  const vol = await readySource(source, space.journal.volume(source.ref.uuid));
  const snap = temporarySnapName(uuid);
  await withImage(space.ioctx, vol.image, async (image) => {
    checkSize(bytes, await imageSize(image, vol.image));
    await createSnap(image, vol.image, snap);
  });
  return { space, image: vol.image, snap, temporary: true };
}

/** The snapshot a clone of a volume is made from, named after the new volume's UUID. */
export const temporarySnapName = (uuid: string) => `csi-clone-${uuid}`;

function checkSize(bytes: bigint, sourceBytes: bigint): void {
  if (bytes < sourceBytes) {
    throw csiError(
      CSI_ERR.CAPACITY_OUT_OF_RANGE,
      `the requested ${bytes} bytes are less than the source's ${sourceBytes}: ask for at least the source's size`,
    );
  }
}

/**
 * Removes a clone's temporary snapshot from its source volume; the source gone already is fine.
 * Through FULL_TRY (VolumeSpace.fullTryIoctx), so that it goes through on a full pool too.
 */
async function dropTemporarySnap(parent: Parent): Promise<void> {
  try {
    await withImage(parent.space.fullTryIoctx, parent.image, (image) =>
      removeSnap(image, parent.image, parent.snap),
    );
  } catch (err) {
    if (!hasErrno(err, ERRNO.ENOENT)) throw err;
  }
}

/**
 * Removes the temporary snapshot a clone of a volume was made from, for a create that resumes after a
 * crash or is undone; nothing for a snapshot source, and a source or snapshot gone already is fine.
 */
export async function dropCloneSnap(conn: RadosConnection, source: SourceRef, uuid: string): Promise<void> {
  if (source.kind !== 'volume') return;
  const space = await openSpace(conn, source.ref.pool, source.ref.namespace);
  const vol = await space.journal.volume(source.ref.uuid);
  if (!vol) return;
  await dropTemporarySnap({
    space,
    image: vol.image,
    snap: temporarySnapName(uuid),
    temporary: true,
  });
}

/** Grows an open clone to `bytes` unless it is that large already, renewing the reservation first (`keep`). */
async function growClone(
  image: unknown,
  name: string,
  bytes: bigint,
  keep: () => Promise<void>,
): Promise<void> {
  if ((await imageSize(image, name)) >= bytes) return;
  await keep();
  await growImage(image, name, bytes);
}

/**
 * Creates `record.image` in `target` as a clone of the source, grown to the record's size (flattened
 * later: flatten.ts). `keep` renews the caller's reservation before the resize (ABORTED if lost). A
 * temporary snapshot is removed whether the clone succeeds or fails (clone v2: removing the parent
 * snapshot of a live clone moves it to the trash until the clone is flattened or removed).
 */
export async function cloneFromSource(
  conn: RadosConnection,
  source: SourceRef,
  target: VolumeSpace,
  record: VolumeRecord,
  uuid: string,
  features: bigint,
  keep: () => Promise<void> = async () => undefined,
): Promise<void> {
  const bytes = BigInt(record.bytes);
  const parent = await parentOf(conn, source, uuid, bytes);
  try {
    await cloneImage(
      parent.space.ioctx,
      parent.image,
      parent.snap,
      target.ioctx,
      record.image,
      features | 1n,
    );
    await withImage(target.ioctx, record.image, (image) => growClone(image, record.image, bytes, keep));
  } catch (err) {
    if (parent.temporary) await dropTemporarySnap(parent).catch(() => undefined);
    throw err;
  }
  if (parent.temporary) await dropTemporarySnap(parent);
}

/**
 * Resumes a clone whose image an earlier attempt left (its reservation still `reserved`: never
 * flattened). An image with its parent is the clone: grown to the record's size if the attempt died
 * before growing it. An image without a parent is what a death inside rbd_clone leaves (librbd creates
 * the child, then attaches the parent): empty, so it is removed and cloned again. Either way the
 * temporary snapshot of a volume source goes.
 */
export async function resumeClone(
  conn: RadosConnection,
  source: SourceRef,
  target: VolumeSpace,
  record: VolumeRecord,
  uuid: string,
  features: bigint,
  keep: () => Promise<void> = async () => undefined,
): Promise<void> {
  const bytes = BigInt(record.bytes);
  const cloned = await withImage(target.ioctx, record.image, async (image) => {
    if (!(await imageParent(image, record.image))) return false;
    await growClone(image, record.image, bytes, keep);
    return true;
  });
  if (cloned) return dropCloneSnap(conn, source, uuid);
  await keep();
  await removeImage(target.fullTryIoctx, record.image);
  await cloneFromSource(conn, source, target, record, uuid, features, keep);
}
