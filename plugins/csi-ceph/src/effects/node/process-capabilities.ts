/** Reads this process's capabilities (decide/process-capabilities.ts). */
import { readFile } from 'node:fs/promises';
import { CAP_SYS_RESOURCE, hasEffectiveCapability } from '../../decide/process-capabilities.js';

/** Can this process grow a mounted ext4 (CAP_SYS_RESOURCE)? False when /proc cannot be read. */
export async function canGrowMountedExt4(): Promise<boolean> {
  const text = await readFile('/proc/self/status', 'utf8').catch(() => '');
  return hasEffectiveCapability(text, CAP_SYS_RESOURCE);
}
