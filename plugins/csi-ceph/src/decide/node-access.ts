/**
 * Pure node-side access decisions: which access modes stage read-only, the mount options of a staged
 * filesystem, and what to do about an existing publish at a target a request asks for.
 */
import { CSI_ERR } from '../errors.js';
import type { CapabilityInput } from './capabilities.js';
import { fail, pass, type Decision } from './decision.js';
import { mountOptionList } from './mount-flags.js';

const READER_ONLY = new Set(['SINGLE_NODE_READER_ONLY', 'MULTI_NODE_READER_ONLY']);

/** Is the capability's access mode a *_READER_ONLY one (attach read-only, never mkfs, mount ro)? */
export function isReaderOnly(cap: CapabilityInput | null | undefined): boolean {
  return READER_ONLY.has(String(cap?.access_mode?.mode ?? ''));
}

/**
 * The options for mounting a staged filesystem, one per entry (mountOptionList: a flag may hold
 * several). Read-only adds `ro` and the option that keeps the filesystem from replaying its journal
 * (a write): ext4 `noload`, xfs `norecovery`; a `rw` option from the request is dropped then, also
 * within a flag such as "rw,exec" (before, it was kept after the `ro`, and mount(8) took the last).
 */
export function stageMountOptions(fsType: string, flags: readonly string[], readOnly: boolean): string[] {
  const options = mountOptionList(flags);
  if (!readOnly) return options;
  const skipJournal = fsType === 'xfs' ? 'norecovery' : 'noload';
  const rest = options.filter((flag) => flag !== 'rw' && flag !== 'ro' && flag !== skipJournal);
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
 * What a publish does about its target already holding this request's volume: nothing ('done'), or
 * the read-only remount of a read-only publish interrupted after its bind (a bind mount and its
 * read-only remount are two mount(2) calls; a crash between them leaves a read-write bind that the
 * retry must finish, not refuse, or the pod never starts).
 */
export type ExistingPublishAction = 'done' | 'remount-read-only';

/** What a publish request wants at its target. */
export interface WantedPublish {
  readonly kind: 'mount' | 'block';
  readonly readOnly: boolean;
  /** A read-only publish at this target was begun and not finished (its mark is there). */
  readonly begun: boolean;
}

/**
 * Given what is mounted at a target and what the request wants there, returns pass with what is left
 * to do, else NAME_CONFLICT (ALREADY_EXISTS per the CSI spec) saying why: another access type,
 * another volume (or another staging of it), the other readonly flag of a completed publish. A
 * read-write bind of this stage where read-only is asked is finished only when the read-only publish
 * was begun: otherwise it is a completed read-write publish, which the spec says to refuse.
 */
export function checkExistingPublish(
  existing: ExistingPublish,
  wanted: WantedPublish,
): Decision<ExistingPublishAction> {
  const rule = 'existing-publish';
  if (existing.kind !== wanted.kind) {
    const what = existing.kind === 'other' ? 'something else' : existing.kind;
    return fail(rule, CSI_ERR.NAME_CONFLICT, `it is published as ${what}, not ${wanted.kind}`);
  }
  if (!existing.sameSource) {
    return fail(rule, CSI_ERR.NAME_CONFLICT, 'another volume (or another staging of it) is published there');
  }
  if (existing.readOnly === wanted.readOnly) return pass(rule, 'done');
  if (wanted.readOnly && wanted.begun) return pass(rule, 'remount-read-only');
  const flag = existing.readOnly ? 'read-only' : 'read-write';
  return fail(rule, CSI_ERR.NAME_CONFLICT, `it is published ${flag}`);
}
