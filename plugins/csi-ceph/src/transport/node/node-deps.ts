/** What the node handlers share, and the checks they start with. */
import type { CsiConfig } from '../../config.js';
import type { ClusterEntry } from '../../decide/cluster-config.js';
import { CSI_ERR, csiError } from '../../errors.js';
import type { Mounter } from '../../effects/node/mounter.js';
import { canonicalPath } from '../../effects/node/node-paths.js';
import type { OperationLocks } from '../operation-locks.js';

export interface NodeDeps {
  readonly config: CsiConfig;
  readonly clusters: ReadonlyMap<string, ClusterEntry>;
  readonly locks: OperationLocks;
  readonly mounter: Mounter;
  /** Topology segments of this node (empty: none reported). */
  readonly topology?: Readonly<Record<string, string>>;
}

/** Linux's PATH_MAX and NAME_MAX, in bytes: a longer path or name fails every call with ENAMETOOLONG. */
const PATH_MAX = 4096;
const NAME_MAX = 255;

/**
 * A required absolute path the kernel can take: no NUL byte (Node refuses it in every file call, which
 * surfaced as INTERNAL), at most PATH_MAX bytes, no name over NAME_MAX bytes (ENAMETOOLONG, INTERNAL).
 */
export function requirePath(value: string | undefined, field: string): string {
  if (!value) throw csiError(CSI_ERR.INVALID_ARGUMENT, `${field} is required`);
  if (!value.startsWith('/')) throw csiError(CSI_ERR.INVALID_ARGUMENT, `${field} must be an absolute path`);
  if (value.includes('\0')) throw csiError(CSI_ERR.INVALID_ARGUMENT, `${field} must not contain a NUL byte`);
  if (
    Buffer.byteLength(value) >= PATH_MAX ||
    value.split('/').some((name) => Buffer.byteLength(name) > NAME_MAX)
  ) {
    throw csiError(
      CSI_ERR.INVALID_ARGUMENT,
      `${field} is longer than the kernel takes (${PATH_MAX} bytes, ${NAME_MAX} per name)`,
    );
  }
  return value;
}

/**
 * A required absolute path in its one spelling (no trailing slash, `..` or `//`; the parent's
 * symlinks resolved), as the mount table lists it. Done once, before any lookup, lock or mount.
 */
export async function requireNodePath(value: string | undefined, field: string): Promise<string> {
  return canonicalPath(requirePath(value, field));
}
