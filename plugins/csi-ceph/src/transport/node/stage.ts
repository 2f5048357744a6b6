/**
 * NodeStageVolume / NodeUnstageVolume. Stage: validate, lock the volume, write the record first (so
 * that unstage can clean up after a crash at any step), attach (rbd-fuse + loop), mkfs only when the
 * device is blank, mount on <staging>/fs. Every step checks whether it is already done.
 */
import { mkdir, rm } from 'node:fs/promises';
import { checkCapability } from '../../decide/capabilities.js';
import { credentialsFromSecrets } from '../../decide/credentials.js';
import { stageLayout, type StageRecord } from '../../decide/node-layout.js';
import { decodeId } from '../../decide/volume-id.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { isBlank, makeFilesystem } from '../../effects/node/filesystem.js';
import { isMounted, mount, unmountAll } from '../../effects/node/mounts.js';
import { readStageRecord, removeStageRecord, writeStageRecord } from '../../effects/node/stage-record.js';
import type { NodeStageVolumeRequest__Output } from '../../generated/csi/v1/NodeStageVolumeRequest.js';
import type { NodeStageVolumeResponse } from '../../generated/csi/v1/NodeStageVolumeResponse.js';
import type { NodeUnstageVolumeRequest__Output } from '../../generated/csi/v1/NodeUnstageVolumeRequest.js';
import type { NodeUnstageVolumeResponse } from '../../generated/csi/v1/NodeUnstageVolumeResponse.js';
import { must, requireField } from '../request-checks.js';
import { requirePath, type NodeDeps } from './node-deps.js';

function recordFor(req: NodeStageVolumeRequest__Output, deps: NodeDeps): StageRecord {
  const id = requireField(req.volume_id, 'volume_id');
  const ref = decodeId('v1', id);
  if (!ref) throw csiError(CSI_ERR.NOT_FOUND, `volume "${id}" was not issued by this driver`);
  if (!deps.clusters.has(ref.clusterID)) {
    throw csiError(
      CSI_ERR.UNKNOWN_CLUSTER,
      `clusterID "${ref.clusterID}" is not in this node's cluster config`,
    );
  }
  const image = req.volume_context['imageName'];
  if (!image)
    throw csiError(CSI_ERR.INVALID_ARGUMENT, 'volume_context lacks imageName (set by CreateVolume)');
  const cap = req.volume_capability;
  if (!cap) throw csiError(CSI_ERR.INVALID_ARGUMENT, 'volume_capability is required');
  const accessType = must(checkCapability(cap));
  const fsType = cap.mount?.fs_type || req.volume_context['csi.storage.k8s.io/fstype'] || 'ext4';
  return {
    volumeId: id,
    clusterID: ref.clusterID,
    pool: ref.pool,
    namespace: ref.namespace,
    image,
    accessType,
    fsType,
    imageFile: image,
  };
}

export async function nodeStageVolume(
  req: NodeStageVolumeRequest__Output,
  deps: NodeDeps,
): Promise<NodeStageVolumeResponse> {
  const staging = requirePath(req.staging_target_path, 'staging_target_path');
  const record = recordFor(req, deps);
  const creds = must(credentialsFromSecrets(req.secrets));
  const cluster = deps.clusters.get(record.clusterID);
  const layout = stageLayout(staging);
  return deps.locks.with([`volume/${record.volumeId}`], async () => {
    const previous = await readStageRecord(layout.record);
    if (previous && (previous.volumeId !== record.volumeId || previous.accessType !== record.accessType)) {
      throw csiError(
        CSI_ERR.NAME_CONFLICT,
        `${staging} already stages ${previous.volumeId} as ${previous.accessType}`,
      );
    }
    await mkdir(staging, { recursive: true });
    await writeStageRecord(layout.record, record);
    const device = await deps.mounter.attach({
      monitors: cluster?.monitors ?? [],
      ...creds,
      pool: record.pool,
      namespace: record.namespace,
      image: record.image,
      workDir: layout.fuseDir,
    });
    if (record.accessType === 'block' || (await isMounted(layout.fsDir))) return {};
    if (await isBlank(device))
      await makeFilesystem(device, record.fsType, req.volume_context['mkfsOptions'] ?? '');
    await mkdir(layout.fsDir, { recursive: true });
    await mount(device, layout.fsDir, req.volume_capability?.mount?.mount_flags ?? [], record.fsType);
    return {};
  });
}

export async function nodeUnstageVolume(
  req: NodeUnstageVolumeRequest__Output,
  deps: NodeDeps,
): Promise<NodeUnstageVolumeResponse> {
  const id = requireField(req.volume_id, 'volume_id');
  const staging = requirePath(req.staging_target_path, 'staging_target_path');
  const layout = stageLayout(staging);
  return deps.locks.with([`volume/${id}`], async () => {
    const record = await readStageRecord(layout.record);
    await unmountAll(layout.fsDir);
    await deps.mounter.detach(layout.fuseDir, record?.imageFile ?? '');
    await rm(layout.fsDir, { recursive: true, force: true });
    await rm(layout.fuseDir, { recursive: true, force: true });
    await removeStageRecord(layout.record);
    return {};
  });
}
