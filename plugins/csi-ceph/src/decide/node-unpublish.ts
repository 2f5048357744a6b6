/**
 * Pure NodeUnpublishVolume decision: what to do next at a target path. A publish of this driver is a
 * bind mount of a staged filesystem (its source a loop, rbd or nbd device: what the mounters attach)
 * or a device node bound onto a file; what is left once it is unmounted is the directory or the empty
 * file the publish made. Anything else is not this driver's to take away: another mount (a tmpfs,
 * /proc), a stage's own `fs/` or `fuse/` mount, a directory or file with content. Before, any mount
 * at the path was unmounted and any file there unlinked, whatever the volume ID, and a non-empty
 * directory failed with INTERNAL.
 */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';

/** The devices a staged filesystem is mounted from (fuse: loop; krbd: rbd; rbd-nbd: nbd). */
const PUBLISH_SOURCE = /^\/dev\/(loop|rbd|nbd)\d+$/;

export interface UnpublishTarget {
  /** The topmost mount at the target, if any (kind as mountedAt says, source as mountinfo). */
  readonly mount?: { readonly kind: 'mount' | 'block' | 'other'; readonly source: string };
  /** The target is a stage's own `fs/` or `fuse/` (a stage record beside it). */
  readonly stagingArea: boolean;
  /** With nothing mounted: nothing there, an empty directory or file, or one with content. */
  readonly entry: 'none' | 'empty' | 'content';
}

export type UnpublishStep = 'unmount' | 'remove' | 'done';

/** Given what is at the target, returns the next step, or FAILED_PRECONDITION when it is not a publish. */
export function unpublishStep(target: UnpublishTarget, path: string): Decision<UnpublishStep> {
  const rule = 'unpublish-target';
  const refuse = (what: string) =>
    fail<UnpublishStep>(
      rule,
      CSI_ERR.IN_USE,
      `target_path ${path} ${what}, which is no publish of this driver: left as it is`,
    );
  if (target.stagingArea) return refuse('is a stage of a volume (its fs/ or fuse/)');
  const { mount } = target;
  if (mount) {
    // By source, not by what stat says: the mount of a stage whose device failed may not stat.
    if (mount.kind === 'block' || PUBLISH_SOURCE.test(mount.source)) return pass(rule, 'unmount');
    return refuse(`holds a mount of ${mount.source}`);
  }
  if (target.entry === 'content') return refuse('is a directory or file with content and no mount');
  return pass(rule, target.entry === 'empty' ? 'remove' : 'done');
}
