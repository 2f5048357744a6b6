/**
 * NodePublishVolume / NodeUnpublishVolume: bind mounts from the staging path (the filesystem, or the
 * loop device for block volumes) to the target path, read-only when asked or when staged for a
 * reader-only mode. Idempotent: a target already holding this publish is OK; one holding another
 * volume, the other readonly flag, or the other access type is ALREADY_EXISTS. Paths are compared
 * with the mount table in one spelling (see requireNodePath); messages name them as given.
 */
import { mkdir, open, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkCapability } from '../../decide/capabilities.js';
import { isReaderOnly, publishConflict } from '../../decide/node-access.js';
import { stageLayout } from '../../decide/node-layout.js';
import { decodeId } from '../../decide/volume-id.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { isSameDevice, isSameFilesystem, mountedAt } from '../../effects/node/mount-identity.js';
import { bindMount, isMounted, unmountAll } from '../../effects/node/mounts.js';
import { readStageRecord } from '../../effects/node/stage-record.js';
import type { NodePublishVolumeRequest__Output } from '../../generated/csi/v1/NodePublishVolumeRequest.js';
import type { NodePublishVolumeResponse } from '../../generated/csi/v1/NodePublishVolumeResponse.js';
import type { NodeUnpublishVolumeRequest__Output } from '../../generated/csi/v1/NodeUnpublishVolumeRequest.js';
import type { NodeUnpublishVolumeResponse } from '../../generated/csi/v1/NodeUnpublishVolumeResponse.js';
import { must, requireField } from '../request-checks.js';
import { requireNodePath, type NodeDeps } from './node-deps.js';

interface StagedSource {
  /** What to bind: <staging>/fs, or the device for a block volume. */
  readonly source: string;
  /** Staged for a reader-only access mode (then every publish is read-only). */
  readonly readOnly: boolean;
}

/** A path as the request gave it (for messages) and in its one spelling (for everything else). */
interface RequestPath {
  readonly path: string;
  readonly given: string;
}

async function sourceFor(
  staging: RequestPath,
  id: string,
  kind: 'mount' | 'block',
  deps: NodeDeps,
): Promise<StagedSource> {
  const layout = stageLayout(staging.path);
  const record = await readStageRecord(layout.record);
  const notStaged = () =>
    csiError(CSI_ERR.IN_USE, `volume ${id} is not staged at ${staging.given}: call NodeStageVolume first`);
  if (!record || record.volumeId !== id) throw notStaged();
  const readOnly = record.readOnly === true;
  if (kind === 'mount') {
    if (!(await isMounted(layout.fsDir))) throw notStaged();
    return { source: layout.fsDir, readOnly };
  }
  const device = await deps.mounter.device(layout.fuseDir, record.imageFile);
  if (!device) throw notStaged();
  return { source: device, readOnly };
}

/** Throws ALREADY_EXISTS unless what is mounted at `target` is this very publish. */
async function checkExisting(
  target: RequestPath,
  staged: StagedSource,
  wanted: { kind: 'mount' | 'block'; readOnly: boolean },
  id: string,
): Promise<boolean> {
  const mounted = await mountedAt(target.path);
  if (!mounted) return false;
  const sameSource =
    mounted.kind === 'block'
      ? await isSameDevice(mounted, staged.source)
      : await isSameFilesystem(mounted, staged.source);
  const conflict = publishConflict({ ...mounted, sameSource }, wanted);
  if (conflict) {
    throw csiError(
      CSI_ERR.NAME_CONFLICT,
      `target_path ${target.given} cannot publish volume ${id}: ${conflict}`,
    );
  }
  return true;
}

export async function nodePublishVolume(
  req: NodePublishVolumeRequest__Output,
  deps: NodeDeps,
): Promise<NodePublishVolumeResponse> {
  const id = requireField(req.volume_id, 'volume_id');
  const target = await requireNodePath(req.target_path, 'target_path');
  if (!req.volume_capability) throw csiError(CSI_ERR.INVALID_ARGUMENT, 'volume_capability is required');
  const kind = must(checkCapability(req.volume_capability));
  // The spec: "Staging target path not set" is FAILED_PRECONDITION (this plugin has STAGE_UNSTAGE_VOLUME).
  if (!req.staging_target_path) {
    throw csiError(CSI_ERR.IN_USE, 'staging_target_path is not set: call NodeStageVolume first');
  }
  const staging = await requireNodePath(req.staging_target_path, 'staging_target_path');
  if (!decodeId('v1', id)) throw csiError(CSI_ERR.NOT_FOUND, `volume "${id}" was not issued by this driver`);
  return deps.locks.with([`publish/${target}`], async () => {
    const staged = await sourceFor({ path: staging, given: req.staging_target_path }, id, kind, deps);
    const readOnly = req.readonly || staged.readOnly || isReaderOnly(req.volume_capability);
    if (await checkExisting({ path: target, given: req.target_path }, staged, { kind, readOnly }, id)) {
      return {};
    }
    if (kind === 'mount') {
      await mkdir(target, { recursive: true });
    } else {
      await mkdir(dirname(target), { recursive: true });
      await (await open(target, 'a')).close();
    }
    await bindMount(staged.source, target, readOnly);
    return {};
  });
}

export async function nodeUnpublishVolume(
  req: NodeUnpublishVolumeRequest__Output,
  deps: NodeDeps,
): Promise<NodeUnpublishVolumeResponse> {
  requireField(req.volume_id, 'volume_id');
  const target = await requireNodePath(req.target_path, 'target_path');
  return deps.locks.with([`publish/${target}`], async () => {
    await unmountAll(target);
    const exists = await stat(target).catch(() => undefined);
    // Never recursive: an unmounted target is an empty directory (or the file made for a block volume).
    if (exists?.isDirectory()) await rmdir(target);
    else if (exists) await unlink(target);
    return {};
  });
}
