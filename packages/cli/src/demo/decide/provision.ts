import { tryParseQuantity } from '@corral/policy';
import type { Json } from './review.js';

/**
 * What the external-provisioner sidecar sends the CSI controller for a PersistentVolumeClaim of a
 * StorageClass (with `--extra-create-metadata`, as deploy/ runs it): the volume name `pvc-<claim uid>`,
 * the claim's size, a capability from its access mode and the class's fstype, the class's parameters
 * without the `csi.storage.k8s.io/` keys it consumes itself, plus the claim's name and namespace.
 */
export interface CreateVolumeRequest {
  readonly name: string;
  readonly capacity_range: { readonly required_bytes: string };
  readonly volume_capabilities: readonly VolumeCapability[];
  readonly parameters: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, string>>;
}

export interface VolumeCapability {
  readonly mount: { readonly fs_type: string };
  readonly access_mode: { readonly mode: string };
}

const RESERVED_PREFIX = 'csi.storage.k8s.io/';
const FS_TYPE = 'csi.storage.k8s.io/fstype';
const ACCESS_MODES: Readonly<Record<string, string>> = {
  ReadWriteOnce: 'SINGLE_NODE_WRITER',
  ReadWriteOncePod: 'SINGLE_NODE_SINGLE_WRITER',
  ReadOnlyMany: 'MULTI_NODE_READER_ONLY',
  ReadWriteMany: 'MULTI_NODE_MULTI_WRITER',
};

const asJson = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The claim's `spec.resources.requests.storage` in bytes; throws on a missing or bad quantity. */
export function claimBytes(pvc: Json): bigint {
  const raw = asJson(asJson(asJson(pvc['spec'])?.['resources'])?.['requests'])?.['storage'];
  const parsed = typeof raw === 'string' || typeof raw === 'number' ? tryParseQuantity(raw) : undefined;
  if (!parsed?.ok) throw new Error(`the claim has no valid spec.resources.requests.storage`);
  return parsed.value.nanos / 1_000_000_000n;
}

/** The capability the external-provisioner derives from the claim and the class. */
export function capabilityOf(storageClass: Json, pvc: Json): VolumeCapability {
  const modes = asJson(pvc['spec'])?.['accessModes'];
  const first = Array.isArray(modes) ? text(modes[0]) : '';
  return {
    mount: { fs_type: text(asJson(storageClass['parameters'])?.[FS_TYPE]) || 'ext4' },
    access_mode: { mode: ACCESS_MODES[first] ?? 'SINGLE_NODE_WRITER' },
  };
}

/** The CreateVolume request for `pvc` (whose uid names the volume) in `storageClass`. */
export function createVolumeRequest(
  storageClass: Json,
  pvc: Json,
  uid: string,
  secrets: Readonly<Record<string, string>>,
): CreateVolumeRequest {
  const metadata = asJson(pvc['metadata']) ?? {};
  const parameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(asJson(storageClass['parameters']) ?? {})) {
    if (!key.startsWith(RESERVED_PREFIX)) parameters[key] = String(value);
  }
  const name = `pvc-${uid}`;
  parameters['csi.storage.k8s.io/pvc/name'] = text(metadata['name']);
  parameters['csi.storage.k8s.io/pvc/namespace'] = text(metadata['namespace']);
  parameters['csi.storage.k8s.io/pv/name'] = name;
  return {
    name,
    capacity_range: { required_bytes: String(claimBytes(pvc)) },
    volume_capabilities: [capabilityOf(storageClass, pvc)],
    parameters,
    secrets,
  };
}
