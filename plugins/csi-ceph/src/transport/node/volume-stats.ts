/**
 * NodeGetVolumeStats: bytes and inodes of the mounted filesystem, or the size of a block volume, with
 * a volume condition. `volume_path` may be, as the CSI spec allows, any path where the volume was
 * published (a mount of its staged filesystem or device) or staged (the staging path itself, whose
 * filesystem is at <staging>/fs and whose device is the attached one). Anything else is NOT_FOUND.
 * Paths are compared in one spelling (see canonicalPath). Once the volume is found, the answer is OK
 * whatever state its stage is in, with volume_condition abnormal when it is broken (the rbd-fuse
 * daemon gone, no device, the filesystem shut down or read-only: decide/volume-condition.ts); the
 * usage is what statfs still answers (a shut-down xfs keeps its last numbers), empty when there is
 * nothing left to measure.
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stageLayout, type StageRecord } from '../../decide/node-layout.js';
import { volumeCondition } from '../../decide/volume-condition.js';
import { decodeId } from '../../decide/volume-id.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { isSameFilesystem, mountedAt } from '../../effects/node/mount-identity.js';
import { isMounted, mountTable } from '../../effects/node/mounts.js';
import { canonicalPath } from '../../effects/node/node-paths.js';
import { isDeviceOfStage } from '../../effects/node/read-only-devices.js';
import { observeStage } from '../../effects/node/stage-health.js';
import { readStageRecord } from '../../effects/node/stage-record.js';
import type { NodeGetVolumeStatsRequest__Output } from '../../generated/csi/v1/NodeGetVolumeStatsRequest.js';
import type { NodeGetVolumeStatsResponse } from '../../generated/csi/v1/NodeGetVolumeStatsResponse.js';
import { usageOf, type Measured } from './volume-usage.js';
import { requireField } from '../request-checks.js';
import { requireNodePath, requirePath, type NodeDeps } from './node-deps.js';

/** A volume found at volume_path: the stage behind it, and what to measure (none: nothing is left). */
interface Found {
  readonly staging: string;
  readonly record: StageRecord;
  readonly measured?: Measured;
}

/** Staging paths that may be behind a mount: the one given, and every staged fs/fuse mount's parent. */
async function candidateStagings(given: string | undefined, kind: 'mount' | 'block'): Promise<string[]> {
  const suffix = kind === 'mount' ? '/fs' : '/fuse';
  const found = (await mountTable())
    .filter((m) => m.mountPoint.endsWith(suffix))
    .map((m) => dirname(m.mountPoint));
  return [...new Set([...(given ? [given] : []), ...found])];
}

/** The stage of volume `id` whose filesystem or device `mounted` (what is mounted at volume_path) is. */
async function stageOfMount(
  mounted: NonNullable<Awaited<ReturnType<typeof mountedAt>>>,
  id: string,
  given: string | undefined,
  deps: NodeDeps,
): Promise<Omit<Found, 'measured'> | undefined> {
  if (mounted.kind === 'other') return undefined;
  for (const staging of await candidateStagings(given, mounted.kind)) {
    const layout = stageLayout(staging);
    const record = await readStageRecord(layout.record).catch(() => undefined);
    if (record?.volumeId !== id || record.accessType !== mounted.kind) continue;
    if (mounted.kind === 'mount' && (await isSameFilesystem(mounted, layout.fsDir)))
      return { staging, record };
    if (mounted.kind === 'block' && (await isDeviceOfStage(mounted, layout, record, deps.mounter)))
      return { staging, record };
  }
  return undefined;
}

/** When `path` is a staging path where volume `id` is staged (by its record): its stage. */
async function stagedAt(path: string, id: string, deps: NodeDeps): Promise<Found | undefined> {
  const layout = stageLayout(path);
  const record = await readStageRecord(layout.record);
  if (record?.volumeId !== id) return undefined;
  if (record.accessType === 'mount') {
    const mounted = await isMounted(layout.fsDir);
    return { staging: path, record, ...(mounted ? { measured: { kind: 'mount', path: layout.fsDir } } : {}) };
  }
  const device = await deps.mounter.device(layout.fuseDir, record.imageFile);
  return { staging: path, record, ...(device ? { measured: { kind: 'block', path: device } } : {}) };
}

/** When `path` is a mount (a publish, or <staging>/fs) of volume `id`'s staged filesystem or device. */
async function publishedAt(
  path: string,
  id: string,
  req: NodeGetVolumeStatsRequest__Output,
  deps: NodeDeps,
): Promise<Found | undefined> {
  const mounted = await mountedAt(path);
  if (!mounted || mounted.kind === 'other') return undefined;
  const staging = req.staging_target_path ? await canonicalPath(req.staging_target_path) : undefined;
  const stage = await stageOfMount(mounted, id, staging, deps);
  return stage ? { ...stage, measured: { kind: mounted.kind, path } } : undefined;
}

/**
 * Is nothing at `path`? A stat failing otherwise is not "missing": a publish of a shut-down xfs
 * answers EIO (before, NOT_FOUND "does not exist", and the volume's condition never reached kubelet).
 */
async function isMissing(path: string): Promise<boolean> {
  return stat(path).then(
    () => false,
    (err: NodeJS.ErrnoException) => err.code === 'ENOENT' || err.code === 'ENOTDIR',
  );
}

/** The usage and condition of a found volume: OK even when its stage is broken (then abnormal). */
async function answer(found: Found, deps: NodeDeps): Promise<NodeGetVolumeStatsResponse> {
  const measured = found.measured
    ? await usageOf(found.measured).then(
        (usage) => ({ usage }),
        (err: NodeJS.ErrnoException) => ({ usage: [], usageError: err.code ?? err.message }),
      )
    : { usage: [] };
  const observation = await observeStage(found.staging, found.record, deps.mounter);
  return { usage: measured.usage, volume_condition: volumeCondition({ ...observation, ...measured }) };
}

export async function nodeGetVolumeStats(
  req: NodeGetVolumeStatsRequest__Output,
  deps: NodeDeps,
): Promise<NodeGetVolumeStatsResponse> {
  const id = requireField(req.volume_id, 'volume_id');
  const given = req.volume_path;
  const path = await requireNodePath(given, 'volume_path');
  if (req.staging_target_path) requirePath(req.staging_target_path, 'staging_target_path');
  if (!decodeId('v1', id)) throw csiError(CSI_ERR.NOT_FOUND, `volume "${id}" was not issued by this driver`);
  if (await isMissing(path)) throw csiError(CSI_ERR.NOT_FOUND, `volume_path ${given} does not exist`);
  const found = (await stagedAt(path, id, deps)) ?? (await publishedAt(path, id, req, deps));
  if (!found) {
    throw csiError(CSI_ERR.NOT_FOUND, `volume ${id} is not staged or mounted at volume_path ${given}`);
  }
  return answer(found, deps);
}
