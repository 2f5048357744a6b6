/**
 * The filesystem a volume is made for. Kubernetes' external-provisioner strips every
 * `csi.storage.k8s.io/*` StorageClass parameter before CreateVolume (it adds back only the PVC and PV
 * names of --extra-create-metadata) and passes the StorageClass's fstype as the mount capabilities'
 * `fs_type`. So the capabilities come first; the `csi.storage.k8s.io/fstype` parameter only speaks
 * when they name none (a direct caller, an older setup, a block volume), and ext4 when neither does.
 */
import { CSI_ERR } from '../errors.js';
import { SUPPORTED_FS, type CapabilityInput } from './capabilities.js';
import { fail, pass, type Decision } from './decision.js';

export const DEFAULT_FS_TYPE = 'ext4';

/**
 * Given a request's capabilities, returns the one filesystem their mount capabilities name, undefined
 * when none names one (block capabilities have none; an empty `fs_type` leaves the choice to the
 * plugin), or INVALID_ARGUMENT when they name different ones: a volume has one filesystem.
 */
export function capabilityFsType(caps: readonly CapabilityInput[]): Decision<string | undefined> {
  const named = new Set(caps.map((cap) => cap.mount?.fs_type ?? '').filter((fs) => fs !== ''));
  if (named.size > 1) {
    return fail(
      'volume-fs-type',
      CSI_ERR.INVALID_ARGUMENT,
      `volume_capabilities name different filesystems (${[...named].join(', ')}): a volume has one, ` +
        'give every mount capability the same fs_type',
    );
  }
  return pass('volume-fs-type', [...named][0]);
}

/** The capabilities' filesystem, else the parameter's, else ext4. */
export function effectiveFsType(
  fromCapabilities: string | undefined,
  fromParameter: string | undefined,
): string {
  return fromCapabilities || fromParameter || DEFAULT_FS_TYPE;
}

/**
 * Given the filesystem a NodeStageVolume of a mount volume would make and mount (effectiveFsType of
 * its capability and its volume_context's fstype), returns it when it is ext4 or xfs. The node checks
 * it again: the volume_context comes from whoever calls it (a static PV's volumeAttributes), and an
 * `ext3` there made and mounted an ext3 that CreateVolume would have refused.
 */
export function checkStageFsType(fsType: string): Decision<string> {
  if ((SUPPORTED_FS as readonly string[]).includes(fsType)) return pass('stage-fs-type', fsType);
  return fail(
    'stage-fs-type',
    CSI_ERR.UNSUPPORTED_CAPABILITY,
    `filesystem "${fsType}" (from volume_context csi.storage.k8s.io/fstype) is not supported: use ext4 or xfs`,
  );
}
