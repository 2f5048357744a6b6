/**
 * ValidateVolumeCapabilities and ControllerExpandVolume. Validation confirms only what CreateVolume
 * would have made: parameters of the volume's cluster and pool, its image, and the filesystem its
 * record names (decide/volume-context-check.ts). Expansion first holds an optional volume_capability
 * to the same record (decide/expand-capability.ts: INVALID_ARGUMENT, nothing grown), then grows the
 * image whether or not a node uses it (the plugin advertises ONLINE expansion, so an in-use volume
 * is no FAILED_PRECONDITION); the node grows the device and filesystem in NodeExpandVolume. A size
 * the image cannot take (past its object map's reach) is OUT_OF_RANGE and leaves the image and its
 * journal record as they were; so does a growth on a pool at its quota or full (RESOURCE_EXHAUSTED,
 * decide/pool-room.ts; also when the pool filled after the check and held the growth until
 * --ceph-timeout: pool-room.ts explainHeld), while an expansion to the size the image has already
 * still succeeds there.
 */
import { expandSize } from '../../decide/capacity.js';
import { checkCapabilities, checkCapability } from '../../decide/capabilities.js';
import { checkExpandCapability } from '../../decide/expand-capability.js';
import {
  unconfirmedAccessType,
  unconfirmedContext,
  unconfirmedFilesystem,
} from '../../decide/volume-context-check.js';
import { sizeFitsImage } from '../../decide/image-limits.js';
import { grownRecord } from '../../decide/journal-records.js';
import { fingerprintFsType } from '../../decide/parameters.js';
import { growImage, imageLayout, imageSize, withImage } from '../../effects/ceph/rbd-images.js';
import type { ControllerExpandVolumeRequest__Output } from '../../generated/csi/v1/ControllerExpandVolumeRequest.js';
import type { ControllerExpandVolumeResponse } from '../../generated/csi/v1/ControllerExpandVolumeResponse.js';
import type { ValidateVolumeCapabilitiesRequest__Output } from '../../generated/csi/v1/ValidateVolumeCapabilitiesRequest.js';
import type { ValidateVolumeCapabilitiesResponse } from '../../generated/csi/v1/ValidateVolumeCapabilitiesResponse.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { credentialsFor, must, requireField, type ControllerDeps } from './controller-deps.js';
import { explainHeld, poolRoom } from './pool-room.js';
import { withVolume } from './volume-lookup.js';

export async function validateVolumeCapabilities(
  req: ValidateVolumeCapabilitiesRequest__Output,
  deps: ControllerDeps,
): Promise<ValidateVolumeCapabilitiesResponse> {
  const id = requireField(req.volume_id, 'volume_id');
  if (req.volume_capabilities.length === 0)
    throw csiError(CSI_ERR.INVALID_ARGUMENT, 'volume_capabilities must not be empty');
  const creds = credentialsFor(deps, req.secrets);
  const found = await withVolume(deps, id, creds, async ({ ref, record }) => ({
    ref,
    image: record.image,
    fsType: fingerprintFsType(record.fingerprint),
    accessType: record.accessType,
  }));
  const verdict = checkCapabilities(req.volume_capabilities);
  if (verdict.status === 'fail') return { message: verdict.message };
  // Confirmed means validated: parameters and a volume context that do not match are not echoed.
  const unconfirmed =
    unconfirmedContext(found.ref, found.image, req.parameters, req.volume_context) ??
    unconfirmedAccessType(found.accessType, req.volume_capabilities) ??
    unconfirmedFilesystem(found.fsType, req.volume_capabilities, req.parameters, req.volume_context);
  if (unconfirmed !== undefined) return { message: unconfirmed };
  return {
    confirmed: {
      volume_context: req.volume_context,
      volume_capabilities: req.volume_capabilities,
      parameters: req.parameters,
    },
  };
}

/** What a full pool prevents, for its message. */
const NO_GROWTH = 'the volume cannot grow';

export async function controllerExpandVolume(
  req: ControllerExpandVolumeRequest__Output,
  deps: ControllerDeps,
): Promise<ControllerExpandVolumeResponse> {
  const id = requireField(req.volume_id, 'volume_id');
  if (!req.capacity_range) throw csiError(CSI_ERR.INVALID_ARGUMENT, 'capacity_range is required');
  if (req.volume_capability) must(checkCapability(req.volume_capability));
  const creds = credentialsFor(deps, req.secrets);
  return deps.locks.with([`volume/${id}`], () =>
    withVolume(deps, id, creds, async ({ space, record, ref, conn }) => {
      const madeAs = { accessType: record.accessType, fsType: fingerprintFsType(record.fingerprint) };
      must(checkExpandCapability(req.volume_capability, madeAs));
      // Read-only (no watch, no write): a full pool would hold a read-write open until there is room.
      const layout = await withImage(
        space.ioctx,
        record.image,
        (image) => imageLayout(image, record.image),
        null,
        true,
      );
      const size = must(expandSize(req.capacity_range, layout.bytes));
      if (size > layout.bytes) {
        // The image's own features and object size bound it (not the StorageClass's, which may
        // have changed, nor the 4 MiB objects CreateVolume assumes); librbd's refusal says the same.
        must(sizeFitsImage(size, layout.features, layout.objectBytes));
        must(await poolRoom(conn, [space.pool], NO_GROWTH));
        await withImage(space.ioctx, record.image, async (image) => {
          // Never smaller than it is now (grown meanwhile by another replica's expansion).
          if ((await imageSize(image, record.image)) < size) await growImage(image, record.image, size);
        }).catch(async (err: unknown) => {
          // Held until --ceph-timeout by a pool that filled after the check: RESOURCE_EXHAUSTED.
          throw await explainHeld(err, conn, space.pool, NO_GROWTH);
        });
      }
      if (!(await space.journal.updateVolume(ref.uuid, grownRecord(record, size)))) {
        throw (await space.journal.volume(ref.uuid))
          ? csiError(CSI_ERR.OPERATION_PENDING, `volume ${id} changed while it was expanded: retry`)
          : csiError(CSI_ERR.NOT_FOUND, `volume ${id} was deleted while it was expanded`);
      }
      // Always: a filesystem grows on the node, and so does a block volume exposed through rbd-fuse
      // and a loop device, which sees the new size only after `losetup -c` (NodeExpandVolume). A
      // krbd device sees it by itself; NodeExpandVolume then only reports the size.
      return { capacity_bytes: size.toString(), node_expansion_required: true };
    }),
  );
}
