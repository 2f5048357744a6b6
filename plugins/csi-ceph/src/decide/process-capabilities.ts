/**
 * Linux capabilities of the node plugin's process. Growing a mounted ext4 (resize2fs online: the
 * EXT4_IOC_RESIZE_FS ioctl) needs CAP_SYS_RESOURCE; a privileged container has it, a container with
 * only SYS_ADMIN added (and these test machines) does not. Mounted xfs growth needs only SYS_ADMIN.
 */

/** capability.h: CAP_SYS_RESOURCE. */
export const CAP_SYS_RESOURCE = 24;

/** Given the text of /proc/self/status, does the effective set (`CapEff`) hold capability `bit`? */
export function hasEffectiveCapability(statusText: string, bit: number): boolean {
  const hex = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(statusText)?.[1];
  if (hex === undefined) return false;
  return ((BigInt(`0x${hex}`) >> BigInt(bit)) & 1n) === 1n;
}
