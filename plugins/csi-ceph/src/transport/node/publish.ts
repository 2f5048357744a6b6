/**
 * NodePublishVolume / NodeUnpublishVolume: bind mounts from the staging path (the filesystem, or the
 * loop device for block volumes) to the target path, read-only when asked. Idempotent.
 */
import { mkdir, open, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkCapability } from '../../decide/capabilities.js';
import { stageLayout } from '../../decide/node-layout.js';
import { decodeId } from '../../decide/volume-id.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { bindMount, isMounted, unmountAll } from '../../effects/node/mounts.js';
import { readStageRecord } from '../../effects/node/stage-record.js';
import type { NodePublishVolumeRequest__Output } from '../../generated/csi/v1/NodePublishVolumeRequest.js';
import type { NodePublishVolumeResponse } from '../../generated/csi/v1/NodePublishVolumeResponse.js';
import type { NodeUnpublishVolumeRequest__Output } from '../../generated/csi/v1/NodeUnpublishVolumeRequest.js';
import type { NodeUnpublishVolumeResponse } from '../../generated/csi/v1/NodeUnpublishVolumeResponse.js';
import { must, requireField } from '../request-checks.js';
import { requirePath, type NodeDeps } from './node-deps.js';

async function sourceFor(
  staging: string,
  id: string,
  kind: 'mount' | 'block',
  deps: NodeDeps,
): Promise<string> {
  const layout = stageLayout(staging);
  const record = await readStageRecord(layout.record);
  const notStaged = () =>
    csiError(CSI_ERR.IN_USE, `volume ${id} is not staged at ${staging}: call NodeStageVolume first`);
  if (!record || record.volumeId !== id) throw notStaged();
  if (kind === 'mount') {
    if (!(await isMounted(layout.fsDir))) throw notStaged();
    return layout.fsDir;
  }
  const device = await deps.mounter.device(layout.fuseDir, record.imageFile);
  if (!device) throw notStaged();
  return device;
}

export async function nodePublishVolume(
  req: NodePublishVolumeRequest__Output,
  deps: NodeDeps,
): Promise<NodePublishVolumeResponse> {
  const id = requireField(req.volume_id, 'volume_id');
  const target = requirePath(req.target_path, 'target_path');
  const staging = requirePath(req.staging_target_path, 'staging_target_path');
  if (!req.volume_capability) throw csiError(CSI_ERR.INVALID_ARGUMENT, 'volume_capability is required');
  const kind = must(checkCapability(req.volume_capability));
  if (!decodeId('v1', id)) throw csiError(CSI_ERR.NOT_FOUND, `volume "${id}" was not issued by this driver`);
  return deps.locks.with([`publish/${target}`], async () => {
    if (await isMounted(target)) return {};
    const source = await sourceFor(staging, id, kind, deps);
    if (kind === 'mount') {
      await mkdir(target, { recursive: true });
    } else {
      await mkdir(dirname(target), { recursive: true });
      await (await open(target, 'a')).close();
    }
    await bindMount(source, target, req.readonly);
    return {};
  });
}

export async function nodeUnpublishVolume(
  req: NodeUnpublishVolumeRequest__Output,
  deps: NodeDeps,
): Promise<NodeUnpublishVolumeResponse> {
  requireField(req.volume_id, 'volume_id');
  const target = requirePath(req.target_path, 'target_path');
  return deps.locks.with([`publish/${target}`], async () => {
    await unmountAll(target);
    const exists = await stat(target).catch(() => undefined);
    // Never recursive: an unmounted target is an empty directory (or the file made for a block volume).
    if (exists?.isDirectory()) await rmdir(target);
    else if (exists) await unlink(target);
    return {};
  });
}
