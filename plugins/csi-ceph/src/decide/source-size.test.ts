import { CSI_ERR } from '../errors.js';
import { DEFAULT_BYTES, MIB } from './capacity.js';
import { sizeForSource } from './source-size.js';

const GIB = 1n << 30n;

describe('sizeForSource', () => {
  const source = 2n * GIB;
  it.each([
    ['no range, a source above the 1 GiB default', undefined, source, source],
    ['no range, a source below the default', undefined, 8n * MIB, 8n * MIB],
    ['an empty range (both 0)', { required_bytes: '0', limit_bytes: '0' }, source, source],
    ['only a limit above the source', { limit_bytes: String(3n * GIB) }, source, source],
    ['only a limit equal to the source', { limit_bytes: String(source) }, source, source],
    ['a required size above the source', { required_bytes: String(3n * GIB) }, source, 3n * GIB],
    ['a required size equal to the source', { required_bytes: String(source) }, source, source],
    [
      'a required partial MiB above the source',
      { required_bytes: String(source + 1n) },
      source,
      source + MIB,
    ],
  ])('given %s, returns the size', (_label, range, sourceBytes, bytes) => {
    expect(sizeForSource(range, sourceBytes)).toEqual({ status: 'pass', rule: 'source-size', value: bytes });
  });

  it('given no range and a source larger than the default, is not the default', () => {
    const sized = sizeForSource(undefined, DEFAULT_BYTES + MIB);
    expect(sized.status === 'pass' && sized.value).toBe(DEFAULT_BYTES + MIB);
  });

  it.each([
    ['only a limit below the source', { limit_bytes: String(GIB) }, /limit_bytes 1073741824 is less than/],
    ['a required size below the source', { required_bytes: String(GIB) }, /less than the source's/],
    [
      'a required size below the source within a larger limit',
      { required_bytes: String(GIB), limit_bytes: String(4n * GIB) },
      /less than the source's/,
    ],
    ['a limit below the required size', { required_bytes: String(3n * GIB), limit_bytes: '5' }, /exceeds/],
    ['negative bytes', { limit_bytes: '-1' }, /non-negative/],
  ])('given %s, fails OUT_OF_RANGE', (_label, range, message) => {
    expect(sizeForSource(range, source)).toMatchObject({
      status: 'fail',
      rule: 'source-size',
      code: CSI_ERR.CAPACITY_OUT_OF_RANGE,
      message: expect.stringMatching(message),
    });
  });
});
