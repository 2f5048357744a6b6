/**
 * One spelling per path, so that a path compares equal to its mount table entry (the kernel lists
 * mount points resolved): `..`, `.`, `//` and a trailing slash are resolved lexically, then symlinks
 * in the parent directory (when it exists). The path itself is not resolved: it may be a mount point
 * of a hung FUSE filesystem, and a symlink there is kubelet's business, not ours.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export async function canonicalPath(path: string): Promise<string> {
  const resolved = resolve(path);
  const parent = dirname(resolved);
  if (parent === resolved) return resolved;
  const realParent = await realpath(parent).catch(() => undefined);
  return realParent ? join(realParent, basename(resolved)) : resolved;
}
