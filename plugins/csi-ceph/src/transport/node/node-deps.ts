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

export function requirePath(value: string | undefined, field: string): string {
  if (!value) throw csiError(CSI_ERR.INVALID_ARGUMENT, `${field} is required`);
  if (!value.startsWith('/')) throw csiError(CSI_ERR.INVALID_ARGUMENT, `${field} must be an absolute path`);
  return value;
}

/**
 * A required absolute path in its one spelling (no trailing slash, `..` or `//`; the parent's
 * symlinks resolved), as the mount table lists it. Done once, before any lookup, lock or mount.
 */
export async function requireNodePath(value: string | undefined, field: string): Promise<string> {
  return canonicalPath(requirePath(value, field));
}
