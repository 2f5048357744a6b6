/**
 * CreateSnapshot / DeleteSnapshot / ListSnapshots. A snapshot is an RBD snapshot `csi-snap-<uuid>` of
 * the source image, journalled under sn/<name> and su/<uuid> in the source's (pool, namespace); its ID
 * is `s1.<cluster>.<pool>.<namespace>.<uuid>`. Same order as CreateVolume: validate, lock, look up,
 * reserve, act, undo; a source that is a clone not yet flattened is flattened before anything is
 * reserved (snapshot-flatten.ts). With policies, the VolumeSnapshot's namespace (a parameter of the
 * csi-snapshotter's --extra-create-metadata) must be of the source volume's department
 * (decide/snapshot-tenant.ts: NOT_FOUND otherwise, nothing reserved).
 */
import { randomUUID } from 'node:crypto';
import type { ClusterEntry } from '../../decide/cluster-config.js';
import type { Credentials } from '../../decide/credentials.js';
import { cleanupDecision, type SnapshotRecord } from '../../decide/journal-records.js';
import { checkSnapshotLayering } from '../../decide/source-layering.js';
import { checkSnapshotTenant } from '../../decide/snapshot-tenant.js';
import { decodeId, encodeId, type VolumeRef } from '../../decide/volume-id.js';
import { CSI_ERR, csiError, isCsiError } from '../../errors.js';
import { createSnap, readImageFeatures, removeSnap, withImage } from '../../effects/ceph/rbd-images.js';
import { openSpace, type VolumeSpace } from '../../effects/volume-space.js';
import type { CreateSnapshotRequest__Output } from '../../generated/csi/v1/CreateSnapshotRequest.js';
import type { CreateSnapshotResponse } from '../../generated/csi/v1/CreateSnapshotResponse.js';
import type { DeleteSnapshotRequest__Output } from '../../generated/csi/v1/DeleteSnapshotRequest.js';
import type { DeleteSnapshotResponse } from '../../generated/csi/v1/DeleteSnapshotResponse.js';
import type { ListSnapshotsRequest__Output } from '../../generated/csi/v1/ListSnapshotsRequest.js';
import type { ListSnapshotsResponse } from '../../generated/csi/v1/ListSnapshotsResponse.js';
import type { Snapshot } from '../../generated/csi/v1/Snapshot.js';
import {
  credentialsFor,
  must,
  requireField,
  stepsOf,
  type CephSteps,
  type ControllerDeps,
} from './controller-deps.js';
import { controllerCreds, forEachSpace, page } from './listing.js';
import { explainHeld, poolRoom } from './pool-room.js';
import { flattenBeforeSnapshot } from './snapshot-flatten.js';
import { withVolume } from './volume-lookup.js';

function snapshotMessage(ref: VolumeRef, sourceId: string, record: SnapshotRecord): Snapshot {
  const ms = Date.parse(record.createdAt);
  return {
    snapshot_id: must(encodeId('s1', ref)),
    source_volume_id: sourceId,
    size_bytes: record.bytes,
    creation_time: { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 },
    ready_to_use: true,
  };
}

/**
 * `endSignal` (the call's end, call-signal.ts) bounds the wait for a clone's flatten before its
 * snapshot (snapshot-flatten.ts).
 */
export async function createSnapshot(
  req: CreateSnapshotRequest__Output,
  deps: ControllerDeps,
  endSignal?: () => AbortSignal,
): Promise<CreateSnapshotResponse> {
  const name = requireField(req.name, 'name');
  const sourceId = requireField(req.source_volume_id, 'source_volume_id');
  const creds = credentialsFor(deps, req.secrets);
  return deps.locks.with([`snapshot-name/${name}`], () =>
    withVolume(deps, sourceId, creds, async (found) => {
      const { ref, space, record: volume } = found;
      // The VolumeSnapshot's namespace must be of a department that may have this volume's data:
      // checked before the name is looked up, so that a refused caller learns nothing of it.
      const source = { id: sourceId, ref, department: volume.department };
      const defaultNamespace = deps.clusters.get(ref.clusterID)?.radosNamespace ?? '';
      must(checkSnapshotTenant(req.parameters, source, defaultNamespace, deps.tenants));
      const existingUuid = await space.journal.snapshotUuid(name);
      const existing = existingUuid ? await space.journal.snapshot(existingUuid) : undefined;
      if (existingUuid && existing && existing.sourceUuid !== ref.uuid) {
        throw csiError(
          CSI_ERR.NAME_CONFLICT,
          `snapshot "${name}" already exists for another volume: use a new name`,
        );
      }
      const uuid = existingUuid ?? randomUUID();
      const snapRef = { ...ref, uuid };
      if (existing?.state === 'ready') return { snapshot: snapshotMessage(snapRef, sourceId, existing) };
      // A full pool holds the snapshot's writes until there is room: refused before anything is made.
      must(await poolRoom(found.conn, [space.pool], NO_SNAPSHOT));
      // Only a snapshot that can be restored is ready to use (decide/source-layering.ts).
      must(checkSnapshotLayering(sourceId, await readImageFeatures(space.ioctx, volume.image)));
      await flattenBeforeSnapshot(deps, found, creds, endSignal);
      const reserved: SnapshotRecord = existing ?? {
        name,
        sourceUuid: ref.uuid,
        sourceImage: volume.image,
        snap: `csi-snap-${uuid}`,
        bytes: volume.bytes,
        createdAt: new Date().toISOString(),
        state: 'reserved',
        // A restore must be of the same department (decide/source-space.ts checkSourceDepartment).
        ...(volume.department ? { department: volume.department } : {}),
      };
      if (existing) await space.journal.claimSnapshot(uuid, name);
      else if (!(await space.journal.reserveSnapshot(uuid, reserved)))
        return followSnapshotWinner(space, name, ref, sourceId);
      const ready = await takeSnapshot(space, uuid, reserved, stepsOf(deps)).catch(async (err: unknown) => {
        // Held until --ceph-timeout by a pool that filled after the check: RESOURCE_EXHAUSTED, undone.
        const cause = await explainHeld(err, found.conn, space.pool, NO_SNAPSHOT);
        await undoSnapshot(space, uuid, reserved, cause);
        throw cause;
      });
      return { snapshot: snapshotMessage(snapRef, sourceId, ready) };
    }),
  );
}

/** What a full pool prevents, for its message. */
const NO_SNAPSHOT = 'no snapshot can be taken';

/**
 * Takes the RBD snapshot (a retry that resumes finds it made already: EEXIST is fine, never a second
 * one), reads the size it captured (from the image opened at the snapshot: the volume may have been
 * expanded since, e.g. between a failed attempt and its retry), and marks the record ready.
 */
async function takeSnapshot(
  space: VolumeSpace,
  uuid: string,
  reserved: SnapshotRecord,
  steps: CephSteps,
): Promise<SnapshotRecord> {
  const { sourceImage, snap } = reserved;
  await withImage(space.ioctx, sourceImage, (image) => createSnap(image, sourceImage, snap));
  const at = `${sourceImage}@${snap}`;
  const bytes = await withImage(space.ioctx, sourceImage, (image) => steps.imageSize(image, at), snap, true);
  const ready: SnapshotRecord = { ...reserved, bytes: bytes.toString(), state: 'ready' };
  await space.journal.markSnapshotReady(uuid, ready);
  return ready;
}

/**
 * Undoes a failed CreateSnapshot so that it leaves no orphan: after renewing its lease (still the
 * holder: cleanupDecision), removes the RBD snapshot if it was made, then the reservation. Ceph
 * unreachable: the reservation stays, and the retry takes it over and completes the SAME snapshot
 * (its name is fixed by the UUID), so neither an orphan nor a duplicate remains. Taken over: the
 * snapshot is the new holder's. A removal that fails keeps the reservation for the same reason. The
 * attempt ends here whatever happens.
 */
async function undoSnapshot(space: VolumeSpace, uuid: string, reserved: SnapshotRecord, cause: unknown) {
  try {
    const unreachable = isCsiError(cause, CSI_ERR.CEPH_UNAVAILABLE);
    const renewed = !unreachable && (await space.journal.renewSnapshot(uuid).catch(() => false));
    if (must(cleanupDecision(unreachable, renewed)) !== 'remove') return;
    // With FULL_TRY: a removal goes through on a full pool.
    await withImage(space.fullTryIoctx, reserved.sourceImage, (image) =>
      removeSnap(image, reserved.sourceImage, reserved.snap),
    ).catch((err: unknown) => {
      if (!isCsiError(err, CSI_ERR.NOT_FOUND)) throw err; // the source image is gone, and its snapshots
    });
    await space.journal.releaseSnapshot(uuid, reserved.name);
  } catch {
    // The reservation stays: a retry resumes it (and completes this snapshot).
  } finally {
    space.journal.abandon();
  }
}

/** Another call reserved the name since the look-up: its snapshot once ready, ABORTED while in flight. */
async function followSnapshotWinner(space: VolumeSpace, name: string, source: VolumeRef, sourceId: string) {
  const uuid = await space.journal.snapshotUuid(name);
  const winner = uuid ? await space.journal.snapshot(uuid) : undefined;
  if (uuid && winner?.state === 'ready' && winner.sourceUuid === source.uuid)
    return { snapshot: snapshotMessage({ ...source, uuid }, sourceId, winner) };
  if (winner?.state === 'ready')
    throw csiError(
      CSI_ERR.NAME_CONFLICT,
      `snapshot "${name}" already exists for another volume: use a new name`,
    );
  throw csiError(
    CSI_ERR.OPERATION_PENDING,
    `snapshot "${name}" is being created by another call (perhaps another controller replica): retry later`,
  );
}

/**
 * Runs `fn` on the (pool, namespace) an ID names; `absent` when its cluster is unknown or its pool
 * does not exist (nothing can be stored there: for DeleteSnapshot that is success, for a list filter
 * no entry).
 */
async function inSpaceOf<T>(
  deps: ControllerDeps,
  ref: VolumeRef,
  creds: Credentials,
  absent: T,
  fn: (space: VolumeSpace) => Promise<T>,
): Promise<T> {
  const cluster = deps.clusters.get(ref.clusterID);
  if (!cluster) return absent;
  return deps.pool.with(cluster, creds, async (conn) => {
    const space = await openSpace(conn, ref.pool, ref.namespace).catch((err: unknown) => {
      if (isCsiError(err, CSI_ERR.NOT_FOUND)) return undefined;
      throw err;
    });
    return space ? fn(space) : absent;
  });
}

export async function deleteSnapshot(
  req: DeleteSnapshotRequest__Output,
  deps: ControllerDeps,
): Promise<DeleteSnapshotResponse> {
  const id = requireField(req.snapshot_id, 'snapshot_id');
  const creds = credentialsFor(deps, req.secrets);
  const ref = decodeId('s1', id);
  if (!ref) return {};
  return deps.locks.with([`snapshot/${id}`], () =>
    inSpaceOf(deps, ref, creds, {}, async (space) => {
      const record = await space.journal.snapshot(ref.uuid);
      if (!record) return {};
      // With FULL_TRY: a removal frees room, and goes through on a pool at its quota or full.
      await withImage(space.fullTryIoctx, record.sourceImage, (image) =>
        removeSnap(image, record.sourceImage, record.snap),
      ).catch((err: unknown) => {
        if (!isCsiError(err, CSI_ERR.NOT_FOUND)) throw err;
      });
      await space.journal.removeSnapshot(ref.uuid, record.name);
      return {};
    }),
  );
}

type SnapshotEntry = { ref: VolumeRef; sourceUuid: string; record: SnapshotRecord };

async function snapshotsIn(space: VolumeSpace, clusterID: string): Promise<SnapshotEntry[]> {
  return (await space.journal.listSnapshots()).map(({ uuid, record }) => ({
    ref: { clusterID, pool: space.pool, namespace: space.namespace, uuid },
    sourceUuid: record.sourceUuid,
    record,
  }));
}

/**
 * The snapshots a filter can name: one space when filtered, every known space otherwise. Unfiltered
 * with the request's secrets (a department's user), the spaces their caps do not cover are skipped:
 * before, the whole call was PERMISSION_DENIED at the first one. The controller's keyring is meant
 * to cover every space, so there a refusal still fails the call, as in ListVolumes.
 */
async function candidates(req: ListSnapshotsRequest__Output, deps: ControllerDeps): Promise<SnapshotEntry[]> {
  const byId = req.snapshot_id ? decodeId('s1', req.snapshot_id) : undefined;
  const bySource = req.source_volume_id ? decodeId('v1', req.source_volume_id) : undefined;
  if ((req.snapshot_id && !byId) || (req.source_volume_id && !bySource)) return [];
  const hasSecrets = Object.keys(req.secrets).length > 0;
  const creds = hasSecrets
    ? credentialsFor(deps, req.secrets)
    : controllerCreds(deps, 'ListSnapshots without secrets');
  const where = byId ?? bySource;
  let all: SnapshotEntry[] = [];
  if (where) {
    all = await inSpaceOf(deps, where, creds, [], (space) => snapshotsIn(space, where.clusterID));
  } else {
    const fill = async (cluster: ClusterEntry, space: VolumeSpace) => {
      all.push(...(await snapshotsIn(space, cluster.clusterID)));
    };
    await forEachSpace(deps, creds, fill, { skipForbidden: hasSecrets });
  }
  return all.filter(
    (e) => (!byId || e.ref.uuid === byId.uuid) && (!bySource || e.sourceUuid === bySource.uuid),
  );
}

export async function listSnapshots(
  req: ListSnapshotsRequest__Output,
  deps: ControllerDeps,
): Promise<ListSnapshotsResponse> {
  const entries = await candidates(req, deps);
  const messages = entries
    .map((e) => snapshotMessage(e.ref, must(encodeId('v1', { ...e.ref, uuid: e.sourceUuid })), e.record))
    .sort((a, b) => ((a.snapshot_id ?? '') < (b.snapshot_id ?? '') ? -1 : 1));
  const { items, next } = page(messages, req.max_entries, req.starting_token);
  return { entries: items.map((snapshot) => ({ snapshot })), next_token: next };
}
