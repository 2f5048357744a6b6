import { MIB, sizeFitsRange, sizeForRange } from './capacity.js';

describe('sizeForRange', () => {
  it.each([
    ['no range', undefined, 1n << 30n],
    ['an exact MiB', { required_bytes: String(8n * MIB) }, 8n * MIB],
    ['a partial MiB', { required_bytes: String(8n * MIB + 1n) }, 9n * MIB],
    ['only a small limit', { limit_bytes: String(4n * MIB) }, 4n * MIB],
    [
      'a limit below the rounded size',
      { required_bytes: String(MIB + 1n), limit_bytes: String(3n * MIB - 1n) },
      2n * MIB,
    ],
  ])('given %s, returns the size', (_label, range, bytes) => {
    expect(sizeForRange(range)).toEqual({ status: 'pass', rule: 'capacity-range', value: bytes });
  });

  it.each([
    ['required above limit', { required_bytes: '10', limit_bytes: '5' }],
    ['negative bytes', { required_bytes: '-1' }],
    ['no whole MiB in range', { required_bytes: String(MIB + 1n), limit_bytes: String(MIB + 2n) }],
    ['a limit under 1 MiB', { limit_bytes: '1000' }],
  ])('given %s, fails OUT_OF_RANGE', (_label, range) => {
    expect(sizeForRange(range)).toMatchObject({ status: 'fail', code: 'CSI_ERR_CAPACITY_OUT_OF_RANGE' });
  });

  it('given an existing size, tells whether it fits a range', () => {
    expect(sizeFitsRange(8n * MIB, { required_bytes: String(8n * MIB) })).toBe(true);
    expect(sizeFitsRange(8n * MIB, { required_bytes: '1', limit_bytes: String(4n * MIB) })).toBe(false);
  });
});
