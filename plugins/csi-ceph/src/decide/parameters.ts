/**
 * StorageClass parameters, with ceph-csi's names so that a ceph-csi StorageClass works by changing only
 * the provisioner. Parameters under `csi.storage.k8s.io/` come from the external-provisioner.
 */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';

export const PARAM = {
  clusterID: 'clusterID',
  pool: 'pool',
  imageFeatures: 'imageFeatures',
  fsType: 'csi.storage.k8s.io/fstype',
  volumeNamePrefix: 'volumeNamePrefix',
  mkfsOptions: 'mkfsOptions',
  pvcNamespace: 'csi.storage.k8s.io/pvc/namespace',
  pvcName: 'csi.storage.k8s.io/pvc/name',
} as const;

/** RBD feature bits (librbd's RBD_FEATURE_*). */
export const FEATURE_BITS: Readonly<Record<string, bigint>> = {
  layering: 1n,
  'exclusive-lock': 4n,
  'object-map': 8n,
  'fast-diff': 16n,
  'deep-flatten': 32n,
};

const NEEDS: Readonly<Record<string, string>> = { 'object-map': 'exclusive-lock', 'fast-diff': 'object-map' };

export interface VolumeParams {
  readonly clusterID: string;
  readonly pool: string;
  readonly features: bigint;
  readonly featureNames: readonly string[];
  readonly fsType: string;
  readonly volumeNamePrefix: string;
  readonly mkfsOptions: string;
  readonly pvcNamespace?: string;
  readonly pvcName?: string;
}

/** Given `imageFeatures` ("layering,exclusive-lock"), returns the feature mask or the unknown/missing one. */
export function parseFeatures(text: string): Decision<{ bits: bigint; names: string[] }> {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  let bits = 0n;
  for (const name of names) {
    const bit = FEATURE_BITS[name];
    if (bit === undefined) {
      const known = Object.keys(FEATURE_BITS).join(', ');
      return fail(
        'image-features',
        CSI_ERR.INVALID_ARGUMENT,
        `imageFeatures: unknown feature "${name}" (known: ${known})`,
      );
    }
    const needed = NEEDS[name];
    if (needed && !names.includes(needed)) {
      return fail(
        'image-features',
        CSI_ERR.INVALID_ARGUMENT,
        `imageFeatures: "${name}" needs "${needed}" too`,
      );
    }
    bits |= bit;
  }
  return pass('image-features', { bits, names });
}

/** What `volumeNamePrefix` may be: never a `/`, so an image name is one name in its pool. */
export const NAME_PREFIX = /^[A-Za-z0-9._-]{0,64}$/;

/** Given CreateVolume's parameters, returns them typed, or the first problem. */
export function parseVolumeParams(params: Readonly<Record<string, string>>): Decision<VolumeParams> {
  const rule = 'storage-class-parameters';
  const clusterID = params[PARAM.clusterID] ?? '';
  const pool = params[PARAM.pool] ?? '';
  if (clusterID === '') return fail(rule, CSI_ERR.INVALID_ARGUMENT, 'parameter "clusterID" is required');
  if (pool === '') return fail(rule, CSI_ERR.INVALID_ARGUMENT, 'parameter "pool" is required');
  const features = parseFeatures(params[PARAM.imageFeatures] ?? 'layering');
  if (features.status === 'fail') return features;
  const prefix = params[PARAM.volumeNamePrefix] ?? 'csi-vol-';
  if (!NAME_PREFIX.test(prefix)) {
    return fail(
      rule,
      CSI_ERR.INVALID_ARGUMENT,
      'volumeNamePrefix may hold only letters, digits, ".", "_" and "-" (≤ 64)',
    );
  }
  const fsType = params[PARAM.fsType] ?? 'ext4';
  if (fsType !== 'ext4' && fsType !== 'xfs') {
    return fail(
      rule,
      CSI_ERR.INVALID_ARGUMENT,
      `csi.storage.k8s.io/fstype "${fsType}" is not supported: use ext4 or xfs`,
    );
  }
  const pvcNamespace = params[PARAM.pvcNamespace];
  const pvcName = params[PARAM.pvcName];
  return pass(rule, {
    clusterID,
    pool,
    features: features.value.bits,
    featureNames: features.value.names,
    fsType,
    volumeNamePrefix: prefix,
    mkfsOptions: params[PARAM.mkfsOptions] ?? '',
    ...(pvcNamespace ? { pvcNamespace } : {}),
    ...(pvcName ? { pvcName } : {}),
  });
}

/**
 * Every parameter that shapes the volume (its place, image, filesystem and tenant): a repeated
 * CreateVolume is the same request only when all of them match.
 */
export function paramsFingerprint(p: VolumeParams): string {
  return JSON.stringify(['v2', ...legacyFields(p), p.mkfsOptions]);
}

/**
 * Does a journal record's fingerprint match these parameters? A record written before mkfsOptions was
 * part of the fingerprint (fields joined by "|") is judged on the fields it holds, as it was then.
 */
export function fingerprintMatches(stored: string, p: VolumeParams): boolean {
  return stored === paramsFingerprint(p) || stored === legacyFields(p).join('|');
}

function legacyFields(p: VolumeParams): string[] {
  return [p.clusterID, p.pool, p.featureNames.join(','), p.fsType, p.volumeNamePrefix, p.pvcNamespace ?? ''];
}
