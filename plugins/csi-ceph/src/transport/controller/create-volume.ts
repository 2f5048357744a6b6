/**
 * CreateVolume, in the order STYLE.md #10 fixes: validate, lock the name, look the name up in the
 * journal (idempotent return), reserve, act, undo on failure. The journal's keys and the full
 * sequence are described in effects/journal.ts.
 */
import { randomUUID } from 'node:crypto';
import { sizeForRange } from '../../decide/capacity.js';
import { checkCapabilities } from '../../decide/capabilities.js';
import { capabilityFsType } from '../../decide/fs-type.js';
import { sizeFitsImage } from '../../decide/image-limits.js';
import { cleanupDecision, type VolumeRecord } from '../../decide/journal-records.js';
import { paramsFingerprint, parseVolumeParams, type VolumeParams } from '../../decide/parameters.js';
import { placeVolume, type Placement, type TenantView } from '../../decide/placement.js';
import { repeatedCreateDecision } from '../../decide/repeat-create.js';
import { sizeForSource } from '../../decide/source-size.js';
import { agreedAccessType, checkSourceFilesystem } from '../../decide/source-filesystem.js';
import { checkSourceLayering } from '../../decide/source-layering.js';
import { checkSourceDepartment, checkSourceSpace } from '../../decide/source-space.js';
import { checkStorageQuota } from '../../decide/storage-quota.js';
import { encodeId, type VolumeRef } from '../../decide/volume-id.js';
import { CSI_ERR, csiError, isCsiError } from '../../errors.js';
import { ERRNO, hasErrno } from '../../effects/ceph/ceph-call.js';
import type { RadosConnection } from '../../effects/ceph/rados-connection.js';
import { createImage, removeImage, withImage } from '../../effects/ceph/rbd-images.js';
import { openSpace, type VolumeSpace } from '../../effects/volume-space.js';
import type { CreateVolumeRequest__Output } from '../../generated/csi/v1/CreateVolumeRequest.js';
import type { CreateVolumeResponse } from '../../generated/csi/v1/CreateVolumeResponse.js';
import type { CallContext } from '../call-chain.js';
import {
  clusterOf,
  credentialsFor,
  must,
  requireField,
  stepsOf,
  type CephSteps,
  type ControllerDeps,
} from './controller-deps.js';
import { startFinishClone, type CloneVolume } from './flatten.js';
import { explainFull, poolRoom } from './pool-room.js';
import {
  cloneFromSource,
  dropCloneSnap,
  parseSource,
  resumeClone,
  sourceFacts,
  type SourceRef,
} from './volume-source.js';
import { volumeMessage } from './volume-response.js';

export const METADATA = {
  department: 'corral.dev/department',
  requestName: 'corral.dev/csi-volume-name',
} as const;

/** As long as any UUID: stands in for the one not drawn yet when checking the ID's length. */
const UUID_PLACEHOLDER = '00000000-0000-0000-0000-000000000000';

/** One attempt at making the volume: where, what, under which reservation. */
interface Attempt {
  readonly conn: RadosConnection;
  readonly space: VolumeSpace;
  readonly plan: Plan;
  readonly record: VolumeRecord;
  readonly uuid: string;
  /** The name's reservation was found (an earlier attempt's), not made by this one. */
  readonly resuming: boolean;
}

interface Plan {
  readonly name: string;
  readonly params: VolumeParams;
  /** The size the capacity range gives an empty volume (a volume from a source: sizeForSource). */
  readonly bytes: bigint;
  readonly source: SourceRef | undefined;
  /** Block or mount when every requested capability agrees (recorded; a source must match). */
  readonly accessType: 'mount' | 'block' | undefined;
  readonly request: CreateVolumeRequest__Output;
  readonly steps: CephSteps;
}

export async function createVolume(
  req: CreateVolumeRequest__Output,
  ctx: CallContext,
  deps: ControllerDeps,
): Promise<CreateVolumeResponse> {
  const name = requireField(req.name, 'name');
  const kinds = must(checkCapabilities(req.volume_capabilities));
  // The filesystem comes with the mount capabilities (the external-provisioner strips the parameter).
  const params = must(parseVolumeParams(req.parameters, must(capabilityFsType(req.volume_capabilities))));
  const creds = credentialsFor(deps, req.secrets);
  const bytes = must(sizeForRange(req.capacity_range));
  must(sizeFitsImage(bytes, params.features));
  const cluster = clusterOf(deps, params.clusterID);
  const source = parseSource(req.volume_content_source);
  const place = must(placeVolume(params, cluster.radosNamespace, deps.tenants));
  if (source) must(checkSourceSpace(source, place, cluster.clusterID, deps.tenants));
  // The ID's length depends only on cluster, pool and namespace: refuse before anything is reserved.
  must(
    encodeId('v1', {
      clusterID: cluster.clusterID,
      pool: place.pool,
      namespace: place.namespace,
      uuid: UUID_PLACEHOLDER,
    }),
  );
  const accessType = agreedAccessType(kinds);
  const plan: Plan = { name, params, bytes, source, accessType, request: req, steps: stepsOf(deps) };
  const pools = source && source.ref.pool !== place.pool ? [place.pool, source.ref.pool] : [place.pool];
  return deps.locks.with([`volume-name/${name}`], () =>
    deps.pool.with(cluster, creds, async (conn) => {
      const journal = deps.journal ? { journal: deps.journal } : {};
      const room = await poolRoom(conn, pools, NO_VOLUME);
      // On a full pool only look the name up: making the RBD namespace would wait for room.
      const create = room.status === 'pass';
      const space = await openSpace(conn, place.pool, place.namespace, { create, ...journal }).catch(
        (err: unknown) => {
          throw unknownPool(err, place, params);
        },
      );
      const ref: VolumeRef = {
        clusterID: cluster.clusterID,
        pool: place.pool,
        namespace: place.namespace,
        uuid: '',
      };
      const found = await existing(space, plan);
      const clone = (uuid: string, record: VolumeRecord): CloneVolume => ({
        cluster,
        creds,
        pool: space.pool,
        namespace: space.namespace,
        uuid,
        record,
      });
      if (found?.record.state === 'ready') {
        // A clone an earlier attempt or controller did not finish flattening: finish it now.
        startFinishClone(deps, clone(found.uuid, found.record));
        return respond({ ...ref, uuid: found.uuid }, found.record, params);
      }
      // Refused before anything is reserved (or an earlier attempt's reservation resumed).
      must(room);
      const uuid = found?.uuid ?? randomUUID();
      const record = found?.record ?? (await newRecord(conn, plan, place, uuid, deps.tenants));
      if (found) await space.journal.claimVolume(uuid, name);
      else if (!(await space.journal.reserveVolume(uuid, record))) return followWinner(space, plan, ref);
      const attempt: Attempt = { conn, space, plan, record, uuid, resuming: Boolean(found) };
      const ready = await build(attempt).catch((err: unknown) => {
        // The pool filled after the check: the image's FULL_TRY creation was refused, and undone.
        throw explainFull(err, place.pool, NO_VOLUME);
      });
      startFinishClone(deps, clone(uuid, ready));
      ctx.log.debug({ image: record.image, uuid }, 'volume created');
      return respond({ ...ref, uuid }, ready, params);
    }),
  );
}

/** What a full pool prevents, for its message. */
const NO_VOLUME = 'no volume can be created';

/**
 * A pool that does not exist (librados ENOENT when opening it) is a parameter to fix, INVALID_ARGUMENT
 * as GetCapacity answers it; NOT_FOUND is for a missing source, and made the CO look for one.
 */
function unknownPool(err: unknown, place: Placement, params: VolumeParams): unknown {
  if (!isCsiError(err, CSI_ERR.NOT_FOUND)) return err;
  const origin =
    place.department && place.pool !== params.pool
      ? `spec.storage.pool of Department "${place.department}"`
      : 'the StorageClass parameter "pool"';
  return csiError(
    CSI_ERR.INVALID_ARGUMENT,
    `pool "${place.pool}" (${origin}) does not exist on cluster "${params.clusterID}": name an existing RBD pool`,
    { cause: err },
  );
}

function respond(ref: VolumeRef, record: VolumeRecord, params: VolumeParams): CreateVolumeResponse {
  return { volume: volumeMessage(ref, record, { fsType: params.fsType, mkfsOptions: params.mkfsOptions }) };
}

const sourceText = (source: SourceRef | undefined) => (source ? `${source.kind}:${source.id}` : undefined);

/**
 * The reservation of a new volume: its size (for a volume from a source, read from the source only
 * now, so that a repeat of a create whose source is gone since still gets its volume, and only once
 * the source is known to be the new volume's department's: checkSourceDepartment, and clonable:
 * checkSourceLayering), checked against librbd's limits and the department's storage and claim
 * quota before anything is written.
 */
async function newRecord(
  conn: RadosConnection,
  plan: Plan,
  place: Placement,
  uuid: string,
  tenants: TenantView | undefined,
): Promise<VolumeRecord> {
  const { params, source } = plan;
  let bytes = plan.bytes;
  if (source) {
    const facts = await sourceFacts(conn, source);
    must(checkSourceDepartment(source, facts.department, place, tenants !== undefined));
    must(
      checkSourceFilesystem(source, facts.filesystem, { accessType: plan.accessType, fsType: params.fsType }),
    );
    must(checkSourceLayering(source, await facts.features()));
    bytes = must(sizeForSource(plan.request.capacity_range, await facts.bytes()));
  }
  must(sizeFitsImage(bytes, params.features));
  must(checkStorageQuota(place.department, bytes, params, tenants));
  return {
    name: plan.name,
    image: `${params.volumeNamePrefix}${uuid}`,
    bytes: bytes.toString(),
    fingerprint: paramsFingerprint(params),
    state: 'reserved',
    ...(place.department ? { department: place.department } : {}),
    ...(source ? { source: sourceText(source) } : {}),
    ...(plan.accessType ? { accessType: plan.accessType } : {}),
  };
}

/** The journal's entry for this name, after checking the request is compatible with it. */
async function existing(
  space: VolumeSpace,
  plan: Plan,
): Promise<{ uuid: string; record: VolumeRecord } | undefined> {
  const uuid = await space.journal.volumeUuid(plan.name);
  if (uuid === undefined) return undefined;
  const record = await space.journal.volume(uuid);
  if (!record) return undefined;
  const request = {
    name: plan.name,
    params: plan.params,
    range: plan.request.capacity_range,
    source: sourceText(plan.source),
  };
  must(repeatedCreateDecision(record, request));
  return { uuid, record };
}

/** Another call reserved the name since the look-up: its volume once ready, ABORTED while in flight. */
async function followWinner(space: VolumeSpace, plan: Plan, ref: VolumeRef): Promise<CreateVolumeResponse> {
  const winner = await existing(space, plan);
  if (winner?.record.state !== 'ready') {
    throw csiError(
      CSI_ERR.OPERATION_PENDING,
      `volume "${plan.name}" is being created by another call (perhaps another controller replica): retry later`,
    );
  }
  return respond({ ...ref, uuid: winner.uuid }, winner.record, plan.params);
}

/**
 * Makes the volume (undone on failure) and marks it ready, renewing the lease all along: a step may
 * outlast the lease (rbd_remove of a large image without object-map deletes every object), and a
 * take-over then would resume, and mark ready, an image this attempt is still removing.
 */
async function build(attempt: Attempt): Promise<VolumeRecord> {
  const { space, record, uuid } = attempt;
  const alive = space.journal.keepVolumeAlive(uuid);
  try {
    await act(attempt).catch(async (err: unknown) => {
      await undo(attempt, err);
      throw err;
    });
    const ready: VolumeRecord = { ...record, state: 'ready' };
    await space.journal.markVolumeReady(uuid, ready);
    return ready;
  } finally {
    await alive.stop();
  }
}

/** Makes the image (plain or cloned) and records the tenant in its metadata (a clone is flattened later). */
async function act({ conn, space, plan, record, uuid, resuming }: Attempt): Promise<void> {
  const exists = resuming && (await imageExists(space, record.image));
  // Still the holder, for a full lease from now: before each long or destructive step (ABORTED if not).
  const keep = () => space.journal.keepVolume(uuid, record.name);
  const features = plan.params.features;
  const make = async () => {
    await keep();
    if (plan.source) await cloneFromSource(conn, plan.source, space, record, uuid, features, keep);
    // With FULL_TRY: on a pool that filled since the check, refused at once (EDQUOT) and undone.
    else await createImage(space.fullTryIoctx, record.image, BigInt(record.bytes), features);
  };
  if (exists && plan.source) {
    await keep();
    await resumeClone(conn, plan.source, space, record, uuid, features, keep);
  }
  if (!exists) {
    await make().catch(async (err: unknown) => {
      // A create killed half-way leaves an image that cannot be opened but blocks its name: it is
      // ours (reserved UUID, never handed out), so remove it and make it again.
      if (!resuming || !hasErrno(err, ERRNO.EEXIST)) throw err;
      await keep();
      await removeImage(space.fullTryIoctx, record.image);
      await make();
    });
  }
  const set = plan.steps.setMetadata;
  await withImage(space.fullTryIoctx, record.image, async (image) => {
    await set(image, record.image, METADATA.requestName, plan.name);
    if (record.department) await set(image, record.image, METADATA.department, record.department);
  });
}

async function imageExists(space: VolumeSpace, image: string): Promise<boolean> {
  try {
    await withImage(space.ioctx, image, async () => undefined);
    return true;
  } catch (err) {
    if (hasErrno(err, ERRNO.ENOENT)) return false;
    throw err;
  }
}

/**
 * Undoes a failed create: removes the image, a clone's temporary snapshot and the reservation, only
 * after renewing the lease (decide/journal-records.ts cleanupDecision): a take-over landing between a
 * check and the removal would otherwise lose the new holder its image. When Ceph is unreachable
 * nothing can be undone; the reservation stays and the retried call resumes it. Whatever happens, the
 * attempt ends here (a same-process retry is never blocked by an attempt that is over).
 */
async function undo({ conn, space, plan, uuid, record }: Attempt, cause: unknown): Promise<void> {
  try {
    const unreachable = isCsiError(cause, CSI_ERR.CEPH_UNAVAILABLE);
    const renewed = !unreachable && (await space.journal.renewVolume(uuid).catch(() => false));
    if (must(cleanupDecision(unreachable, renewed)) !== 'remove') return;
    // With FULL_TRY: a removal frees room, and goes through on a full pool.
    await plan.steps.removeImage(space.fullTryIoctx, record.image);
    if (plan.source) await dropCloneSnap(conn, plan.source, uuid).catch(() => undefined);
    await space.journal.releaseVolume(uuid, record.name);
  } catch {
    // The reservation stays; a retry resumes it, a DeleteVolume removes it.
  } finally {
    space.journal.abandon();
  }
}
