/**
 * Pure node-side access decisions: which access modes stage read-only, the mount options of a staged
 * filesystem, and whether an existing publish at a target is the one a request asks for.
 */
import type { CapabilityInput } from './capabilities.js';

const READER_ONLY = new Set(['SINGLE_NODE_READER_ONLY', 'MULTI_NODE_READER_ONLY']);

/** Is the capability's access mode a *_READER_ONLY one (attach read-only, never mkfs, mount ro)? */
export function isReaderOnly(cap: CapabilityInput | null | undefined): boolean {
  return READER_ONLY.has(String(cap?.access_mode?.mode ?? ''));
}

/**
 * The options for mounting a staged filesystem. Read-only adds `ro` and the option that keeps the
 * filesystem from replaying its journal (a write): ext4 `noload`, xfs `norecovery`; a `rw` flag from
 * the request is dropped then.
 */
export function stageMountOptions(fsType: string, flags: readonly string[], readOnly: boolean): string[] {
  if (!readOnly) return [...flags];
  const skipJournal = fsType === 'xfs' ? 'norecovery' : 'noload';
  const rest = flags.filter((flag) => flag !== 'rw' && flag !== 'ro' && flag !== skipJournal);
  return ['ro', skipJournal, ...rest];
}

/** Is a mount read-only, from its per-mount options (mountinfo field 6)? */
export function optionsAreReadOnly(options: string): boolean {
  return options.split(',').includes('ro');
}

/** What is mounted at a target already. */
export interface ExistingPublish {
  /** A directory (filesystem) or a block device node. */
  readonly kind: 'mount' | 'block' | 'other';
  readonly readOnly: boolean;
  /** Is it this request's staged filesystem or device? */
  readonly sameSource: boolean;
}

/**
 * Given what is mounted at a target and what the request wants there, returns undefined when the
 * request is already done (idempotent), else why it conflicts (ALREADY_EXISTS per the CSI spec).
 */
export function publishConflict(
  existing: ExistingPublish,
  wanted: { readonly kind: 'mount' | 'block'; readonly readOnly: boolean },
): string | undefined {
  if (existing.kind !== wanted.kind) {
    return `it is published as ${existing.kind === 'other' ? 'something else' : existing.kind}, not ${wanted.kind}`;
  }
  if (!existing.sameSource) return 'another volume (or another staging of it) is published there';
  if (existing.readOnly !== wanted.readOnly) {
    return `it is published ${existing.readOnly ? 'read-only' : 'read-write'}`;
  }
  return undefined;
}
