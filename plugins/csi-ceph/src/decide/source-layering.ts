/**
 * librbd clones only images that have the `layering` feature (rbd_clone answers ENOSYS otherwise),
 * and the feature cannot be added to an image later. A volume made without it (a StorageClass whose
 * `imageFeatures` leaves it out) can therefore never be the source of a volume: neither cloned nor
 * restored from one of its snapshots. CreateVolume from such a source is INVALID_ARGUMENT (the CSI
 * spec's "source incompatible or not supported"), checked before anything is reserved; CreateSnapshot
 * of such a volume is INVALID_ARGUMENT too, since the spec's `ready_to_use` promises a snapshot that
 * may be a `volume_content_source`. Before, the snapshot was answered ready and every restore of it,
 * like every clone, failed INTERNAL after its reservation.
 */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';
import { FEATURE_BITS } from './parameters.js';

const RULE = 'source-layering';
const LAYERING = FEATURE_BITS['layering'] ?? 1n;

const hasLayering = (features: bigint) => (features & LAYERING) !== 0n;

const advice = 'add layering to the StorageClass parameter imageFeatures for volumes made from now on';

/** Given a source (snapshot or volume) and its image's features, returns pass when it can be cloned. */
export function checkSourceLayering(
  source: { readonly kind: 'snapshot' | 'volume'; readonly id: string },
  features: bigint,
): Decision<null> {
  if (hasLayering(features)) return pass(RULE, null);
  const of = source.kind === 'snapshot' ? 'is of a volume' : 'is a volume';
  return fail(
    RULE,
    CSI_ERR.INVALID_ARGUMENT,
    `source ${source.kind} "${source.id}" ${of} made without the RBD layering image feature, and librbd ` +
      `clones only images with it: no volume can be made from it (${advice})`,
  );
}

/** Given a volume and its image's features, returns pass when a snapshot of it could be restored. */
export function checkSnapshotLayering(volumeId: string, features: bigint): Decision<null> {
  if (hasLayering(features)) return pass(RULE, null);
  return fail(
    RULE,
    CSI_ERR.INVALID_ARGUMENT,
    `volume "${volumeId}" was made without the RBD layering image feature, and librbd clones only ` +
      `images with it: a snapshot of it could never be restored, so none is taken (${advice})`,
  );
}
