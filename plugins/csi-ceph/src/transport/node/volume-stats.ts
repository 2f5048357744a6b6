/**
 * NodeGetVolumeStats: bytes and inodes of the mounted filesystem, or the size of a block volume, with
 * a volume condition. `volume_path` may be, as the CSI spec allows, any path where the volume was
 * published (a mount of its staged filesystem or device) or staged (the staging path itself, whose
 * filesystem is at <staging>/fs and whose device is the attached one). Anything else is NOT_FOUND.
 * Paths are compared in one spelling (see canonicalPath).
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stageLayout } from '../../decide/node-layout.js';
import { decodeId } from '../../decide/volume-id.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { deviceBytes, filesystemUsage } from '../../effects/node/filesystem.js';
import { isSameDevice, isSameFilesystem, mountedAt } from '../../effects/node/mount-identity.js';
import { isMounted, mountTable } from '../../effects/node/mounts.js';
import { canonicalPath } from '../../effects/node/node-paths.js';
import { readStageRecord } from '../../effects/node/stage-record.js';
import type { NodeGetVolumeStatsRequest__Output } from '../../generated/csi/v1/NodeGetVolumeStatsRequest.js';
import type { NodeGetVolumeStatsResponse } from '../../generated/csi/v1/NodeGetVolumeStatsResponse.js';
import { requireField } from '../request-checks.js';
import type { NodeDeps } from './node-deps.js';

/** What to measure: a filesystem (any path in it) or a block device (a node of it). */
interface Measured {
  readonly kind: 'mount' | 'block';
  readonly path: string;
}

/** Staging paths that may be behind a mount: the one given, and every staged fs/fuse mount's parent. */
async function candidateStagings(given: string | undefined, kind: 'mount' | 'block'): Promise<string[]> {
  const suffix = kind === 'mount' ? '/fs' : '/fuse';
  const found = (await mountTable())
    .filter((m) => m.mountPoint.endsWith(suffix))
    .map((m) => dirname(m.mountPoint));
  return [...new Set([...(given ? [given] : []), ...found])];
}

/** Is `mounted` (what is mounted at volume_path) a staged filesystem or device of volume `id`? */
async function isVolumeMount(
  mounted: NonNullable<Awaited<ReturnType<typeof mountedAt>>>,
  id: string,
  given: string | undefined,
  deps: NodeDeps,
): Promise<boolean> {
  if (mounted.kind === 'other') return false;
  for (const staging of await candidateStagings(given, mounted.kind)) {
    const layout = stageLayout(staging);
    const record = await readStageRecord(layout.record).catch(() => undefined);
    if (record?.volumeId !== id || record.accessType !== mounted.kind) continue;
    if (mounted.kind === 'mount' && (await isSameFilesystem(mounted, layout.fsDir))) return true;
    const device =
      mounted.kind === 'block' ? await deps.mounter.device(layout.fuseDir, record.imageFile) : undefined;
    if (device && (await isSameDevice(mounted, device))) return true;
  }
  return false;
}

/** When `path` is a staging path where volume `id` is staged: its filesystem or device. */
async function stagedAt(path: string, id: string, deps: NodeDeps): Promise<Measured | undefined> {
  const layout = stageLayout(path);
  const record = await readStageRecord(layout.record);
  if (record?.volumeId !== id) return undefined;
  if (record.accessType === 'mount') {
    return (await isMounted(layout.fsDir)) ? { kind: 'mount', path: layout.fsDir } : undefined;
  }
  const device = await deps.mounter.device(layout.fuseDir, record.imageFile);
  return device ? { kind: 'block', path: device } : undefined;
}

/** When `path` is a mount (a publish, or <staging>/fs) of volume `id`'s staged filesystem or device. */
async function publishedAt(
  path: string,
  id: string,
  req: NodeGetVolumeStatsRequest__Output,
  deps: NodeDeps,
): Promise<Measured | undefined> {
  const mounted = await mountedAt(path);
  const staging = req.staging_target_path ? await canonicalPath(req.staging_target_path) : undefined;
  if (!mounted || mounted.kind === 'other' || !(await isVolumeMount(mounted, id, staging, deps))) {
    return undefined;
  }
  return { kind: mounted.kind, path };
}

async function statsOf(measured: Measured): Promise<NodeGetVolumeStatsResponse> {
  if (measured.kind === 'block') {
    const bytes = await deviceBytes(measured.path);
    return {
      usage: [{ unit: 'BYTES', total: bytes.toString() }],
      volume_condition: { abnormal: false, message: 'ok' },
    };
  }
  const u = await filesystemUsage(measured.path);
  return {
    usage: [
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
    ],
    volume_condition: { abnormal: false, message: 'mounted' },
  };
}

export async function nodeGetVolumeStats(
  req: NodeGetVolumeStatsRequest__Output,
  deps: NodeDeps,
): Promise<NodeGetVolumeStatsResponse> {
  const id = requireField(req.volume_id, 'volume_id');
  const given = req.volume_path;
  if (!given) throw csiError(CSI_ERR.INVALID_ARGUMENT, 'volume_path is required');
  if (!decodeId('v1', id)) throw csiError(CSI_ERR.NOT_FOUND, `volume "${id}" was not issued by this driver`);
  const path = await canonicalPath(given);
  if (!(await stat(path).catch(() => undefined))) {
    throw csiError(CSI_ERR.NOT_FOUND, `volume_path ${given} does not exist`);
  }
  const measured = (await stagedAt(path, id, deps)) ?? (await publishedAt(path, id, req, deps));
  if (!measured) {
    throw csiError(CSI_ERR.NOT_FOUND, `volume ${id} is not staged or mounted at volume_path ${given}`);
  }
  return statsOf(measured);
}
