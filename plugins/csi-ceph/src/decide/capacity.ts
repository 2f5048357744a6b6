/** Capacity ranges to image sizes: whole MiB, 1 GiB when unspecified, within the requested limit. */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';

export const MIB = 1n << 20n;
export const DEFAULT_BYTES = 1n << 30n;
/** librbd's practical ceiling here: 2^63 - 1 rounded down to whole MiB. */
export const MAX_BYTES = ((1n << 63n) - 1n) & ~(MIB - 1n);

export interface RangeInput {
  readonly required_bytes?: string | number;
  readonly limit_bytes?: string | number;
}

function toBigInt(value: string | number | undefined): bigint | undefined {
  if (value === undefined || value === '') return 0n;
  try {
    return BigInt(value);
  } catch {
    return undefined;
  }
}

/** Given a CSI capacity range (or none), returns its bounds (0: unset) or why they are not valid. */
export function rangeBounds(
  range: RangeInput | null | undefined,
): Decision<{ required: bigint; limit: bigint }> {
  const required = toBigInt(range?.required_bytes);
  const limit = toBigInt(range?.limit_bytes);
  if (required === undefined || limit === undefined || required < 0n || limit < 0n) {
    return fail(
      'capacity-range',
      CSI_ERR.CAPACITY_OUT_OF_RANGE,
      'capacity_range bytes must be non-negative integers',
    );
  }
  if (limit > 0n && required > limit) {
    return fail(
      'capacity-range',
      CSI_ERR.CAPACITY_OUT_OF_RANGE,
      `required_bytes ${required} exceeds limit_bytes ${limit}: ask for at most the limit`,
    );
  }
  return pass('capacity-range', { required, limit });
}

/** Given a CSI capacity range (or none), returns the size to create or why it cannot be met. */
export function sizeForRange(range: RangeInput | null | undefined): Decision<bigint> {
  const bounds = rangeBounds(range);
  if (bounds.status === 'fail') return bounds;
  const { required, limit } = bounds.value;
  const wanted = required === 0n ? (limit > 0n && limit < DEFAULT_BYTES ? limit : DEFAULT_BYTES) : required;
  const rounded = ((wanted + MIB - 1n) / MIB) * MIB;
  if (limit > 0n && rounded > limit) {
    const floor = (limit / MIB) * MIB;
    if (floor === 0n || floor < required) {
      return fail(
        'capacity-range',
        CSI_ERR.CAPACITY_OUT_OF_RANGE,
        `no whole MiB lies between required_bytes ${required} and limit_bytes ${limit}: RBD volumes are sized in MiB`,
      );
    }
    return pass('capacity-range', floor);
  }
  if (rounded > MAX_BYTES) {
    return fail(
      'capacity-range',
      CSI_ERR.CAPACITY_OUT_OF_RANGE,
      `required_bytes ${required} is larger than RBD supports`,
    );
  }
  return pass('capacity-range', rounded);
}

/** Does an existing size satisfy the range (for idempotent CreateVolume)? */
export function sizeFitsRange(size: bigint, range: RangeInput | null | undefined): boolean {
  const required = toBigInt(range?.required_bytes) ?? 0n;
  const limit = toBigInt(range?.limit_bytes) ?? 0n;
  return size >= required && (limit === 0n || size <= limit);
}

/**
 * Given ControllerExpandVolume's range and the image's current size, returns the size to grow to (the
 * current size when it already satisfies the range) or why the range cannot be met: negative bytes
 * are INVALID_ARGUMENT, a limit below the current size is OUT_OF_RANGE (RBD images never shrink).
 */
export function expandSize(range: RangeInput | null | undefined, current: bigint): Decision<bigint> {
  const rule = 'expand-range';
  const required = toBigInt(range?.required_bytes);
  const limit = toBigInt(range?.limit_bytes);
  if (required === undefined || limit === undefined || required < 0n || limit < 0n) {
    return fail(rule, CSI_ERR.INVALID_ARGUMENT, 'capacity_range bytes must be non-negative integers');
  }
  if (limit > 0n && current > limit) {
    return fail(
      rule,
      CSI_ERR.CAPACITY_OUT_OF_RANGE,
      `the volume already has ${current} bytes, more than limit_bytes ${limit}: volumes cannot shrink`,
    );
  }
  if (required <= current) return pass(rule, current);
  const grown = sizeForRange({ required_bytes: required.toString(), limit_bytes: limit.toString() });
  if (grown.status === 'fail') return { ...grown, rule };
  return pass(rule, grown.value);
}
