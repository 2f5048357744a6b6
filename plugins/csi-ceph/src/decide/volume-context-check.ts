import type { CapabilityInput } from './capabilities.js';
import { capabilityFsType } from './fs-type.js';
import { PARAM, parseVolumeParams } from './parameters.js';
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

/**
 * Why the filesystem a ValidateVolumeCapabilities request names is not this volume's, or undefined.
 * The mount capabilities must name one filesystem (as CreateVolume demands). When the volume's record
 * says which filesystem CreateVolume took (`recorded`: the mount capabilities', else the fstype
 * parameter's, else ext4), the request's (its capabilities', else its fstype parameter's) and the
 * volume_context's fstype must be that one. A record journaled before the capabilities counted holds
 * only the parameter's, often not the volume's: nothing to compare (its NodeStage follows the
 * capability too).
 */
export function unconfirmedFilesystem(
  recorded: string | undefined,
  capabilities: readonly CapabilityInput[],
  parameters: Readonly<Record<string, string>>,
  volumeContext: Readonly<Record<string, string>>,
): string | undefined {
  const named = capabilityFsType(capabilities);
  if (named.status === 'fail') return named.message;
  if (recorded === undefined) return undefined;
  const asked = named.value ?? parameters[PARAM.fsType];
  if (asked && asked !== recorded) {
    return `the volume was created for a ${recorded} filesystem; the request asks for ${asked}`;
  }
  const context = volumeContext[PARAM.fsType];
  if (context && context !== recorded) {
    return `volume_context names filesystem ${context}; the volume was created for ${recorded}`;
  }
  return undefined;
}

/**
 * Why capabilities of another access type than the volume was made as cannot be confirmed, or
 * undefined. A volume made as block holds whatever its user wrote, not a filesystem to mount; one
 * made as a filesystem is not a raw device to hand out (decide/source-filesystem.ts holds copies to
 * the same rule). `recorded` is the record's access type (undefined: not recorded, nothing to compare).
 */
export function unconfirmedAccessType(
  recorded: 'mount' | 'block' | undefined,
  capabilities: readonly CapabilityInput[],
): string | undefined {
  if (recorded === undefined) return undefined;
  const other = recorded === 'block' ? 'mount' : 'block';
  if (!capabilities.some((cap) => (other === 'block' ? Boolean(cap.block) : Boolean(cap.mount))))
    return undefined;
  return recorded === 'block'
    ? 'the volume was created as a block volume; the request asks for a filesystem (mount) volume'
    : 'the volume was created as a filesystem (mount) volume; the request asks for a block volume';
}
