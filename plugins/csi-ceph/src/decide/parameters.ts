/**
 * StorageClass parameters, with ceph-csi's names so that a ceph-csi StorageClass works by changing only
 * the provisioner. Parameters under `csi.storage.k8s.io/` come from the external-provisioner, which
 * passes only the PVC/PV names (--extra-create-metadata): the fstype reaches CreateVolume as the mount
 * capabilities' `fs_type` instead, and the parameter counts only without one (decide/fs-type.ts).
 */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';
import { DEFAULT_FS_TYPE, effectiveFsType } from './fs-type.js';

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
  /** The filesystem: the mount capabilities' `fs_type`, else the fstype parameter, else ext4. */
  readonly fsType: string;
  /**
   * The fstype parameter alone (ext4 without it): what the driver recorded before the capabilities
   * counted, so the records of that time are judged by it (fingerprintMatches).
   */
  readonly parameterFsType: string;
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

/** Given CreateVolume's parameters, returns `clusterID` and `pool`, or the first problem with them. */
function placeParams(
  params: Readonly<Record<string, string>>,
): Decision<{ clusterID: string; pool: string }> {
  const rule = 'storage-class-parameters';
  const clusterID = params[PARAM.clusterID] ?? '';
  const pool = params[PARAM.pool] ?? '';
  if (clusterID === '') return fail(rule, CSI_ERR.INVALID_ARGUMENT, 'parameter "clusterID" is required');
  if (pool === '') return fail(rule, CSI_ERR.INVALID_ARGUMENT, 'parameter "pool" is required');
  // Ceph reads pool names as C strings: "rbd\0x" opened pool "rbd" under an ID naming "rbd\0x".
  if (clusterID.includes('\0') || pool.includes('\0')) {
    return fail(
      rule,
      CSI_ERR.INVALID_ARGUMENT,
      'parameters "clusterID" and "pool" must not contain a NUL byte',
    );
  }
  return pass(rule, { clusterID, pool });
}

/**
 * Given CreateVolume's parameters and the filesystem its capabilities name (capabilityFsType), returns
 * them typed, or the first problem.
 */
export function parseVolumeParams(
  params: Readonly<Record<string, string>>,
  capabilityFsType?: string,
): Decision<VolumeParams> {
  const rule = 'storage-class-parameters';
  const place = placeParams(params);
  if (place.status === 'fail') return place;
  const { clusterID, pool } = place.value;
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
  const parameterFsType = params[PARAM.fsType] || DEFAULT_FS_TYPE;
  if (parameterFsType !== 'ext4' && parameterFsType !== 'xfs') {
    return fail(
      rule,
      CSI_ERR.INVALID_ARGUMENT,
      `csi.storage.k8s.io/fstype "${parameterFsType}" is not supported: use ext4 or xfs`,
    );
  }
  const pvcNamespace = params[PARAM.pvcNamespace];
  const pvcName = params[PARAM.pvcName];
  return pass(rule, {
    clusterID,
    pool,
    features: features.value.bits,
    featureNames: features.value.names,
    fsType: effectiveFsType(capabilityFsType, parameterFsType),
    parameterFsType,
    volumeNamePrefix: prefix,
    mkfsOptions: params[PARAM.mkfsOptions] ?? '',
    ...(pvcNamespace ? { pvcNamespace } : {}),
    ...(pvcName ? { pvcName } : {}),
  });
}

/**
 * Every parameter that shapes the volume (its place, image, filesystem and tenant): a repeated
 * CreateVolume is the same request only when all of them match. `v3`: the filesystem is the effective
 * one (capabilities first); `v2` records hold the fstype parameter's (or ext4).
 */
export function paramsFingerprint(p: VolumeParams): string {
  return JSON.stringify(['v3', ...shapeFields(p, p.fsType), p.mkfsOptions]);
}

/**
 * Does a journal record's fingerprint match these parameters? Records of older drivers are judged on
 * what they hold, as they were then: `v2` (before the capabilities' filesystem counted) on the fstype
 * parameter, and fields joined by "|" (before mkfsOptions counted) likewise without mkfsOptions.
 */
export function fingerprintMatches(stored: string, p: VolumeParams): boolean {
  const legacy = shapeFields(p, p.parameterFsType);
  return (
    stored === paramsFingerprint(p) ||
    stored === JSON.stringify(['v2', ...legacy, p.mkfsOptions]) ||
    stored === legacy.join('|')
  );
}

/** The filesystem a record's fingerprint names, when it is the effective one (`v3`); else undefined. */
export function fingerprintFsType(stored: string): string | undefined {
  if (!stored.startsWith('["v3",')) return undefined;
  try {
    const fields: unknown = JSON.parse(stored);
    const fsType: unknown = Array.isArray(fields) ? fields[FS_TYPE_FIELD] : undefined;
    return typeof fsType === 'string' ? fsType : undefined;
  } catch {
    return undefined;
  }
}

/** Where shapeFields puts the filesystem, counting the version first. */
const FS_TYPE_FIELD = 4;

function shapeFields(p: VolumeParams, fsType: string): string[] {
  return [p.clusterID, p.pool, p.featureNames.join(','), fsType, p.volumeNamePrefix, p.pvcNamespace ?? ''];
}
