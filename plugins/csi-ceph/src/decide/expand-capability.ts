/**
 * ControllerExpandVolume's optional `volume_capability` (how the CO means to use the volume, as the
 * external-resizer derives it from the PV). The CSI spec answers INVALID_ARGUMENT ("Exceeds
 * capabilities") for a capability the volume does not support: one no volume of this driver can
 * have (an unsupported filesystem, a filesystem for a multi-node writer), or another access type or
 * filesystem than the volume was made with, as its record says (the checks ValidateVolumeCapabilities
 * makes). Before, any capability was ignored and the volume grown.
 */
import { checkCapability, type CapabilityInput } from './capabilities.js';
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';
import { unconfirmedAccessType, unconfirmedFilesystem } from './volume-context-check.js';

const RULE = 'expand-capability';

/** What a volume's record says it was made as (undefined fields: the record does not say). */
export interface VolumeMadeAs {
  readonly accessType?: 'mount' | 'block';
  readonly fsType?: string;
}

/**
 * Given the request's capability (or none: nothing to check) and what the volume was made as,
 * returns pass when the volume supports it, else the reason (INVALID_ARGUMENT).
 */
export function checkExpandCapability(
  capability: CapabilityInput | null | undefined,
  volume: VolumeMadeAs,
): Decision<null> {
  if (!capability) return pass(RULE, null);
  const supported = checkCapability(capability);
  if (supported.status === 'fail') return { ...supported, rule: RULE };
  const unfit =
    unconfirmedAccessType(volume.accessType, [capability]) ??
    unconfirmedFilesystem(volume.fsType, [capability], {}, {});
  if (unfit === undefined) return pass(RULE, null);
  return fail(
    RULE,
    CSI_ERR.UNSUPPORTED_CAPABILITY,
    `volume_capability does not fit the volume: ${unfit}; expand it with the capability it was made with`,
  );
}
