/** The usage NodeGetVolumeStats reports: bytes and inodes of a filesystem, or the size of a device. */
import { deviceBytes, filesystemUsage } from '../../effects/node/filesystem.js';
import type { VolumeUsage } from '../../generated/csi/v1/VolumeUsage.js';

/** What to measure: a filesystem (any path in it) or a block device (a node of it). */
export interface Measured {
  readonly kind: 'mount' | 'block';
  readonly path: string;
}

export async function usageOf(measured: Measured): Promise<VolumeUsage[]> {
  if (measured.kind === 'block') {
    return [{ unit: 'BYTES', total: (await deviceBytes(measured.path)).toString() }];
  }
  const u = await filesystemUsage(measured.path);
  return [
    {
      unit: 'BYTES',
      total: u.totalBytes.toString(),
      available: u.availableBytes.toString(),
      used: u.usedBytes.toString(),
    },
    {
      unit: 'INODES',
      total: u.totalInodes.toString(),
      available: u.freeInodes.toString(),
      used: (u.totalInodes - u.freeInodes).toString(),
    },
  ];
}
