/**
 * The size of a volume made from a source (a snapshot to restore, or a volume to clone): never less
 * than the source, whose data it holds (RBD cannot shrink a clone). Without `required_bytes` the CSI
 * spec lets the plugin choose the size (within `limit_bytes`, when set): the source's own size, not
 * the 1 GiB an empty volume gets, which a larger source does not fit in. With `required_bytes`, the
 * range's size as for an empty volume (whole MiB), grown past the source when asked.
 */
import { CSI_ERR } from '../errors.js';
import { rangeBounds, sizeForRange, type RangeInput } from './capacity.js';
import { fail, pass, type Decision } from './decision.js';

const RULE = 'source-size';

/** Given CreateVolume's capacity range (or none) and the source's size, returns the new volume's size. */
export function sizeForSource(range: RangeInput | null | undefined, sourceBytes: bigint): Decision<bigint> {
  const bounds = rangeBounds(range);
  if (bounds.status === 'fail') return { ...bounds, rule: RULE };
  const { required, limit } = bounds.value;
  if (required === 0n) {
    if (limit > 0n && sourceBytes > limit) {
      return fail(
        RULE,
        CSI_ERR.CAPACITY_OUT_OF_RANGE,
        `limit_bytes ${limit} is less than the source's ${sourceBytes} bytes: a volume made from it needs at least that`,
      );
    }
    return pass(RULE, sourceBytes);
  }
  const sized = sizeForRange(range);
  if (sized.status === 'fail') return { ...sized, rule: RULE };
  if (sized.value < sourceBytes) {
    return fail(
      RULE,
      CSI_ERR.CAPACITY_OUT_OF_RANGE,
      `the requested ${sized.value} bytes are less than the source's ${sourceBytes}: ask for at least the source's size`,
    );
  }
  return pass(RULE, sized.value);
}
