/**
 * Pure NodePublishVolume decision: whether a target path that holds no mount can take a publish. A
 * mount publish needs an empty directory or nothing there (a bind over a directory's content hid it),
 * a block publish an empty regular file or nothing (the device node is bound onto that file). What
 * NodeUnpublishVolume takes away once it has unmounted is exactly that, an empty directory or file
 * (decide/node-unpublish.ts): before, a block publish was bound over a file with content (or over a
 * device node, a socket…), and its unpublish then refused what was left, FAILED_PRECONDITION for good,
 * so that kubelet never finished tearing the pod down.
 */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';

/** What is at a target that holds no mount. */
export interface PublishTargetEntry {
  /** Nothing, a directory, a regular file, or anything else (a device node, a socket, a FIFO). */
  readonly type: 'none' | 'directory' | 'file' | 'other';
  /** A directory without entries, or a file of 0 bytes. */
  readonly empty: boolean;
}

const DESCRIBE: Record<PublishTargetEntry['type'], string> = {
  none: 'nothing',
  directory: 'a directory',
  file: 'a file',
  other: 'neither a directory nor a regular file',
};

/**
 * Given the access type of a publish and what is at its (unmounted) target, returns pass when the
 * publish may make and bind it, else FAILED_PRECONDITION saying what is there and what is needed.
 */
export function checkPublishTarget(
  kind: 'mount' | 'block',
  target: string,
  entry: PublishTargetEntry,
): Decision<void> {
  const rule = 'publish-target';
  const wanted = kind === 'mount' ? 'directory' : 'file';
  if (entry.type === 'none' || (entry.type === wanted && entry.empty)) return pass(rule, undefined);
  const what = entry.type === wanted ? `${DESCRIBE[entry.type]} with content` : DESCRIBE[entry.type];
  return fail(
    rule,
    CSI_ERR.IN_USE,
    `target_path ${target} is ${what}: a ${kind} publish needs an empty ${wanted} or nothing there`,
  );
}
