/** Builds the CSI Volume message for a journal record. */
import type { VolumeRecord } from '../../decide/journal-records.js';
import { encodeId, type VolumeRef } from '../../decide/volume-id.js';
import type { Volume } from '../../generated/csi/v1/Volume.js';
import type { VolumeContentSource } from '../../generated/csi/v1/VolumeContentSource.js';
import { must } from './controller-deps.js';

export const CONTEXT = {
  clusterID: 'clusterID',
  pool: 'pool',
  radosNamespace: 'radosNamespace',
  imageName: 'imageName',
  fsType: 'csi.storage.k8s.io/fstype',
  mkfsOptions: 'mkfsOptions',
  department: 'department',
} as const;

export function volumeMessage(
  ref: VolumeRef,
  record: VolumeRecord,
  extra: { fsType?: string; mkfsOptions?: string } = {},
): Volume {
  const context: Record<string, string> = {
    [CONTEXT.clusterID]: ref.clusterID,
    [CONTEXT.pool]: ref.pool,
    [CONTEXT.radosNamespace]: ref.namespace,
    [CONTEXT.imageName]: record.image,
  };
  if (extra.fsType) context[CONTEXT.fsType] = extra.fsType;
  if (extra.mkfsOptions) context[CONTEXT.mkfsOptions] = extra.mkfsOptions;
  if (record.department) context[CONTEXT.department] = record.department;
  return {
    volume_id: must(encodeId('v1', ref)),
    capacity_bytes: record.bytes,
    volume_context: context,
    ...(record.source ? { content_source: contentSource(record.source) } : {}),
  };
}

function contentSource(source: string): VolumeContentSource {
  const [kind, id = ''] = [source.slice(0, source.indexOf(':')), source.slice(source.indexOf(':') + 1)];
  return kind === 'snapshot' ? { snapshot: { snapshot_id: id } } : { volume: { volume_id: id } };
}
