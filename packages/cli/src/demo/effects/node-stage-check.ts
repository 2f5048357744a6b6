import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/**
 * Whether this machine can do what the CSI node plugin's fuse mounter does on NodeStageVolume
 * (rbd-fuse, a loop device, mkfs, mount): root, /dev/fuse, and the tools. Undefined when it can;
 * otherwise the reason the demo prints for skipping the node steps.
 */
const TOOLS = ['rbd-fuse', 'losetup', 'mkfs.ext4', 'resize2fs', 'mount', 'umount'];
const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export async function whyNodeStageIsUnusable(
  env: Readonly<Record<string, string | undefined>>,
  uid: number | undefined = process.getuid?.(),
): Promise<string | undefined> {
  if (uid !== 0)
    return 'staging a volume mounts a filesystem (rbd-fuse, loop device, mount): that needs root';
  if (!(await usable('/dev/fuse', constants.R_OK | constants.W_OK))) return '/dev/fuse is not available';
  const dirs = [...(env['PATH'] ?? '').split(delimiter).filter(Boolean), ...SYSTEM_PATH];
  const missing: string[] = [];
  for (const tool of TOOLS) {
    let found = false;
    for (const dir of dirs) if (!found) found = await usable(join(dir, tool), constants.X_OK);
    if (!found) missing.push(tool);
  }
  return missing.length === 0
    ? undefined
    : `missing ${missing.join(', ')} (Debian: rbd-fuse, util-linux, e2fsprogs)`;
}

function usable(path: string, mode: number): Promise<boolean> {
  return access(path, mode).then(
    () => true,
    () => false,
  );
}
