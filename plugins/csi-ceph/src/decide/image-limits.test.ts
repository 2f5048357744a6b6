import { CSI_ERR } from '../errors.js';
import { MIB } from './capacity.js';
import { DEFAULT_OBJECT_BYTES, MAX_OBJECT_MAP_OBJECTS, sizeFitsImage } from './image-limits.js';

const LAYERING = 1n;
const WITH_OBJECT_MAP = 1n | 4n | 8n;
const LIMIT = MAX_OBJECT_MAP_OBJECTS * DEFAULT_OBJECT_BYTES;

describe('sizeFitsImage', () => {
  it.each([
    ['layering only, 2 PiB', 1n << 51n, LAYERING],
    ['layering only, 4 EiB', 1n << 62n, LAYERING],
    ['object-map, 8 MiB', 8n * MIB, WITH_OBJECT_MAP],
    ['object-map, exactly the limit', LIMIT, WITH_OBJECT_MAP],
  ])('given %s, passes the size', (_label, bytes, features) => {
    expect(sizeFitsImage(bytes, features)).toEqual({ status: 'pass', rule: 'image-size', value: bytes });
  });

  it.each([
    ['one MiB past the limit', LIMIT + MIB],
    ['2 PiB', 1n << 51n],
  ])('given object-map and %s, fails OUT_OF_RANGE naming the way out', (_label, bytes) => {
    const verdict = sizeFitsImage(bytes, WITH_OBJECT_MAP);
    expect(verdict).toMatchObject({ status: 'fail', code: CSI_ERR.CAPACITY_OUT_OF_RANGE });
    expect(verdict.status === 'fail' && verdict.message).toMatch(/object-map/);
  });

  it('given a larger object size, moves the limit with it', () => {
    expect(sizeFitsImage(LIMIT + MIB, WITH_OBJECT_MAP, 8n * MIB).status).toBe('pass');
    expect(sizeFitsImage(2n * LIMIT + MIB, WITH_OBJECT_MAP, 8n * MIB).status).toBe('fail');
  });
});
