import { parseVolumeParams } from './parameters.js';
import type { VolumeRef } from './volume-id.js';

/**
 * Why ValidateVolumeCapabilities cannot confirm the `parameters` and `volume_context` it was given
 * for this volume, or undefined. The CSI spec's `confirmed` holds what "the plugin validated": the
 * parameters must read as CreateVolume's and name the volume's cluster and pool, and an `imageName`
 * must be the volume's image. Empty maps are nothing to confirm.
 */
export function unconfirmedContext(
  ref: VolumeRef,
  image: string,
  parameters: Readonly<Record<string, string>>,
  volumeContext: Readonly<Record<string, string>>,
): string | undefined {
  if (Object.keys(parameters).length > 0) {
    const parsed = parseVolumeParams(parameters);
    if (parsed.status === 'fail') return `parameters: ${parsed.message}`;
    const { clusterID, pool } = parsed.value;
    if (clusterID !== ref.clusterID || pool !== ref.pool) {
      return `parameters name cluster ${clusterID} and pool ${pool}; the volume is in cluster ${ref.clusterID}, pool ${ref.pool}`;
    }
  }
  const named = volumeContext['imageName'];
  if (named !== undefined && named !== image)
    return `volume_context.imageName "${named}" is not this volume's image (${image})`;
  return undefined;
}
