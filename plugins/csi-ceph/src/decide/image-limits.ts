/**
 * Sizes librbd refuses although they pass the capacity range: an image with the object-map feature
 * holds at most 256,000,000 objects (cls_rbd's MAX_OBJECT_MAP_OBJECT_COUNT; librbd answers EINVAL to
 * a create or resize past it). At the default 4 MiB objects (order 22, the driver never sets another)
 * that is 1,073,741,824,000,000 bytes (about 976 TiB). Checked before anything is reserved or made,
 * so such a request answers OUT_OF_RANGE and leaves nothing behind.
 */
import { CSI_ERR } from '../errors.js';
import { MIB } from './capacity.js';
import { fail, pass, type Decision } from './decision.js';
import { FEATURE_BITS } from './parameters.js';

export const MAX_OBJECT_MAP_OBJECTS = 256_000_000n;
export const DEFAULT_OBJECT_BYTES = 4n * MIB;

/** Given a size and the image features, returns the size or why librbd would refuse it. */
export function sizeFitsImage(
  bytes: bigint,
  features: bigint,
  objectBytes: bigint = DEFAULT_OBJECT_BYTES,
): Decision<bigint> {
  const rule = 'image-size';
  const objectMap = FEATURE_BITS['object-map'] ?? 0n;
  if ((features & objectMap) === 0n) return pass(rule, bytes);
  const max = MAX_OBJECT_MAP_OBJECTS * objectBytes;
  if (bytes <= max) return pass(rule, bytes);
  return fail(
    rule,
    CSI_ERR.CAPACITY_OUT_OF_RANGE,
    `${bytes} bytes is more than an RBD image with object-map can hold (${max} bytes, ` +
      `${MAX_OBJECT_MAP_OBJECTS} objects of ${objectBytes} bytes): ask for less, or use a StorageClass ` +
      'whose imageFeatures leave out object-map',
  );
}
