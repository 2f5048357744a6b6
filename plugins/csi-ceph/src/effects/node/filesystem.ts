/** Filesystems on a device: blank check, mkfs, offline growth, usage. */
import { statfs } from 'node:fs/promises';
import { mkfsArgs } from '../../decide/node-layout.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { run, runOk } from './run.js';

/** Is there no filesystem or partition table on the device? (blkid -p exits 2 when it finds nothing.) */
export async function isBlank(device: string): Promise<boolean> {
  const result = await run('blkid', ['-p', device]);
  if (result.code === 2) return true;
  if (result.code === 0) return false;
  throw csiError(
    CSI_ERR.NODE_COMMAND,
    `blkid ${device} failed (exit ${result.code}): ${result.stderr.trim()}`,
  );
}

/** Is the block device read-only (`blockdev --getro`)? */
export async function isReadOnlyDevice(device: string): Promise<boolean> {
  return (await runOk('blockdev', ['--getro', device])).trim() === '1';
}

export async function makeFilesystem(device: string, fsType: string, options: string): Promise<void> {
  await runOk(`mkfs.${fsType}`, ['-q', ...mkfsArgs(fsType, options, device)], 300_000);
}

/** Grows an unmounted ext4 (fsck first, as resize2fs demands). */
export async function growExt4Offline(device: string): Promise<void> {
  const fsck = await run('e2fsck', ['-f', '-y', device], 600_000);
  // 0: clean; 1: errors corrected. Anything else needs a person.
  if (fsck.code !== 0 && fsck.code !== 1) {
    throw csiError(
      CSI_ERR.NODE_COMMAND,
      `e2fsck ${device} exit ${fsck.code}: the filesystem needs repair by hand`,
    );
  }
  await runOk('resize2fs', [device], 600_000);
}

export async function growXfsMounted(mountPoint: string): Promise<void> {
  await runOk('xfs_growfs', [mountPoint], 600_000);
}

export async function deviceBytes(device: string): Promise<bigint> {
  return BigInt((await runOk('blockdev', ['--getsize64', device])).trim());
}

export interface FsUsage {
  readonly totalBytes: bigint;
  readonly availableBytes: bigint;
  readonly usedBytes: bigint;
  readonly totalInodes: bigint;
  readonly freeInodes: bigint;
}

export async function filesystemUsage(path: string): Promise<FsUsage> {
  const s = await statfs(path, { bigint: true });
  return {
    totalBytes: s.blocks * s.bsize,
    availableBytes: s.bavail * s.bsize,
    usedBytes: (s.blocks - s.bfree) * s.bsize,
    totalInodes: s.files,
    freeInodes: s.ffree,
  };
}

/** The size an ext4 filesystem spans (block count × block size, from its superblock). */
export async function ext4Bytes(device: string): Promise<bigint> {
  const out = await runOk('dumpe2fs', ['-h', device]);
  const count = /^Block count:\s+(\d+)/m.exec(out)?.[1];
  const size = /^Block size:\s+(\d+)/m.exec(out)?.[1];
  if (!count || !size) throw csiError(CSI_ERR.NODE_COMMAND, `dumpe2fs ${device}: no block count/size`);
  return BigInt(count) * BigInt(size);
}

/** Grows a mounted ext4 (needs CAP_SYS_RESOURCE; refused on some nodes). */
export async function growExt4Online(device: string): Promise<void> {
  await runOk('resize2fs', [device], 600_000);
}
