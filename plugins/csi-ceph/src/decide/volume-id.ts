/**
 * Volume and snapshot IDs carry everything a later call needs, so no lookup is required to find the
 * journal: `<kind>.<clusterID>.<pool>.<radosNamespace>.<uuid>` with kind `v1` (volume) or `s1`
 * (snapshot), each field URI-encoded with '.' escaped, at most 128 bytes (the CSI limit).
 */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';
import { NAME_PREFIX } from './parameters.js';

export const MAX_ID_BYTES = 128;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface VolumeRef {
  readonly clusterID: string;
  readonly pool: string;
  readonly namespace: string;
  readonly uuid: string;
}

export type IdKind = 'v1' | 's1';

const enc = (field: string) => encodeURIComponent(field).replaceAll('.', '%2E');

export function encodeId(kind: IdKind, ref: VolumeRef): Decision<string> {
  const id = [kind, enc(ref.clusterID), enc(ref.pool), enc(ref.namespace), ref.uuid].join('.');
  if (Buffer.byteLength(id) > MAX_ID_BYTES) {
    return fail(
      'id-length',
      CSI_ERR.INVALID_ARGUMENT,
      `the ID for cluster "${ref.clusterID}", pool "${ref.pool}", namespace "${ref.namespace}" would exceed ` +
        `${MAX_ID_BYTES} bytes: use shorter clusterID, pool or RADOS namespace names`,
    );
  }
  return pass('id-length', id);
}

function decodeField(field: string): string | undefined {
  try {
    return decodeURIComponent(field);
  } catch {
    return undefined;
  }
}

/**
 * Parses an ID of `kind`; undefined when it is not one this driver could have issued: another
 * spelling of an issued ID's fields (`corral%2Dtest` for `corral-test`), or a field with a NUL byte
 * (librados reads pool and namespace as C strings: `rbd%00x` opened pool `rbd`), named the same
 * volume under another ID, which the per-ID locks did not see.
 */
export function decodeId(kind: IdKind, id: string): VolumeRef | undefined {
  if (Buffer.byteLength(id) > MAX_ID_BYTES) return undefined;
  const parts = id.split('.');
  if (parts.length !== 5 || parts[0] !== kind) return undefined;
  const [, cluster = '', pool = '', ns = '', uuid = ''] = parts;
  const fields = [cluster, pool, ns].map(decodeField);
  const [clusterID, poolName, namespace] = fields;
  if (clusterID === undefined || poolName === undefined || namespace === undefined) return undefined;
  if (clusterID === '' || poolName === '' || !UUID.test(uuid)) return undefined;
  if (!isIssuedSpelling([cluster, pool, ns], [clusterID, poolName, namespace])) return undefined;
  return { clusterID, pool: poolName, namespace, uuid };
}

/** Are the encoded fields exactly what encodeId writes for the decoded ones, none with a NUL byte? */
function isIssuedSpelling(encoded: readonly string[], decoded: readonly string[]): boolean {
  return decoded.every((field, i) => !field.includes('\0') && enc(field) === encoded[i]);
}

/**
 * Is `image` the image CreateVolume made for the volume of `uuid` (`<volumeNamePrefix><uuid>`)?
 * NodeStageVolume reads the image's name from volume_context, which whoever calls the node plugin
 * writes: another name (another volume's image, a path) must not be staged under this volume's ID.
 */
export function isImageOfVolume(image: string, uuid: string): boolean {
  return image.endsWith(uuid) && NAME_PREFIX.test(image.slice(0, image.length - uuid.length));
}
