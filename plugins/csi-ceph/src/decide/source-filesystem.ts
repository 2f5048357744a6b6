/**
 * A volume made from a snapshot or a volume is a copy of the source's blocks: it holds the source's
 * filesystem (or, for a block source, whatever its user wrote). Restored with another filesystem, or
 * a block source as a filesystem (or the reverse), the copy cannot be staged as asked: NodeStage
 * found a filesystem it could not mount, long after CreateVolume had answered OK. The CSI spec's
 * CreateVolume errors give INVALID_ARGUMENT for a source incompatible with the requested volume, so
 * it is refused up front, naming both. What a source was made as comes from its volume's journal
 * record: the access type since the driver records it (`accessType`), the filesystem from a `v3`
 * fingerprint; what a record does not say is not checked.
 */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';

/** What a source volume was made as, as far as its record says. */
export interface SourceFilesystem {
  /** Block or mount, when every capability of its CreateVolume agreed (undefined: not recorded). */
  readonly accessType?: 'mount' | 'block';
  /** The filesystem it was made for (the effective one; undefined: its record does not say). */
  readonly fsType?: string;
}

/** What the new volume is asked to be. */
export interface WantedFilesystem {
  /** Block or mount when every requested capability agrees; undefined when they mix both. */
  readonly accessType?: 'mount' | 'block';
  /** The effective filesystem of the request (capabilities, else parameter, else ext4). */
  readonly fsType: string;
}

const RULE = 'source-filesystem';

/** Given the kinds of a request's capabilities, returns the one they agree on, else undefined. */
export function agreedAccessType(kinds: readonly ('mount' | 'block')[]): 'mount' | 'block' | undefined {
  const [first] = kinds;
  return first !== undefined && kinds.every((kind) => kind === first) ? first : undefined;
}

/** "a block volume", "an xfs volume" (both supported filesystems read with "an"), "a filesystem volume". */
function describeAs(accessType: 'mount' | 'block' | undefined, fsType: string | undefined): string {
  if (accessType === 'block') return 'a block volume';
  return fsType === undefined ? 'a filesystem volume' : `an ${fsType} volume`;
}

/**
 * Given the source (for messages), what its volume was made as and what the new volume is asked to
 * be, returns pass when the copy can serve the request: same access type (when both are known), and
 * for a filesystem, the same one (when the source's is known). Else INVALID_ARGUMENT naming both.
 */
export function checkSourceFilesystem(
  source: { readonly kind: 'snapshot' | 'volume'; readonly id: string },
  of: SourceFilesystem,
  wanted: WantedFilesystem,
): Decision<null> {
  const kindsDiffer =
    of.accessType !== undefined && wanted.accessType !== undefined && of.accessType !== wanted.accessType;
  const fsDiffers =
    of.accessType !== 'block' &&
    wanted.accessType !== 'block' &&
    of.fsType !== undefined &&
    of.fsType !== wanted.fsType;
  if (!kindsDiffer && !fsDiffers) return pass(RULE, null);
  const was = describeAs(of.accessType, of.fsType);
  const asked = describeAs(wanted.accessType, wanted.fsType);
  return fail(
    RULE,
    CSI_ERR.UNSUPPORTED_CAPABILITY,
    `source ${source.kind} "${source.id}" is ${source.kind === 'snapshot' ? 'of ' : ''}${was}, and a volume ` +
      `made from it cannot be ${asked}: it holds the source's blocks as they are. Ask for ${was} ` +
      "(the fstype and volumeMode of the source's claim)",
  );
}
