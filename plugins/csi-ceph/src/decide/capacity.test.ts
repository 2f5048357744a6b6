import { CSI_ERR } from '../errors.js';
import { expandSize, MIB, sizeFitsRange, sizeForRange } from './capacity.js';

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

describe('expandSize', () => {
  const current = 16n * MIB;
  it.each([
    ['a larger required size', { required_bytes: String(20n * MIB + 1n) }, 21n * MIB],
    ['a required size the volume already has', { required_bytes: String(4n * MIB) }, current],
    [
      'a limit equal to the current size',
      { required_bytes: String(4n * MIB), limit_bytes: String(current) },
      current,
    ],
    [
      'a limit above the rounded size',
      { required_bytes: String(18n * MIB + 1n), limit_bytes: String(21n * MIB - 1n) },
      19n * MIB,
    ],
  ])('given %s, returns the size', (_label, range, bytes) => {
    expect(expandSize(range, current)).toEqual({ status: 'pass', rule: 'expand-range', value: bytes });
  });

  it.each([
    [
      'a limit below the current size',
      { required_bytes: String(4n * MIB), limit_bytes: String(8n * MIB) },
      CSI_ERR.CAPACITY_OUT_OF_RANGE,
    ],
    [
      'required above limit',
      { required_bytes: String(40n * MIB), limit_bytes: String(32n * MIB) },
      CSI_ERR.CAPACITY_OUT_OF_RANGE,
    ],
    ['negative required bytes', { required_bytes: '-1' }, CSI_ERR.INVALID_ARGUMENT],
    [
      'negative limit bytes',
      { required_bytes: String(32n * MIB), limit_bytes: '-1' },
      CSI_ERR.INVALID_ARGUMENT,
    ],
    ['non-integer bytes', { required_bytes: '1.5' }, CSI_ERR.INVALID_ARGUMENT],
  ])('given %s, fails with the code', (_label, range, code) => {
    expect(expandSize(range, current)).toMatchObject({ status: 'fail', code });
  });
});
