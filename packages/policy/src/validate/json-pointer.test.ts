import {
  escapePointerSegment,
  isPointerWithin,
  joinPointer,
  pointerLeaf,
  unescapePointerSegment,
} from './json-pointer.js';

describe('json pointers', () => {
  const escapes: [raw: string, escaped: string][] = [
    ['cpu', 'cpu'],
    ['requests.nvidia.com/gpu', 'requests.nvidia.com~1gpu'],
    ['a~b', 'a~0b'],
    ['~1', '~01'],
  ];
  it.each(escapes)('given %s, escapes to %s and back', (raw, escaped) => {
    expect(escapePointerSegment(raw)).toBe(escaped);
    expect(unescapePointerSegment(escaped)).toBe(raw);
  });

  it('given a base and segments, joins them', () => {
    expect(joinPointer('/spec', 'quota', 'hard', 'requests.nvidia.com/gpu')).toBe(
      '/spec/quota/hard/requests.nvidia.com~1gpu',
    );
    expect(joinPointer('', 'spec', 0)).toBe('/spec/0');
  });

  const leaves: [pointer: string, leaf: string][] = [
    ['/spec/foo', 'foo'],
    ['/spec/quota/hard/a~1b', 'a/b'],
    ['', ''],
  ];
  it.each(leaves)('given %j, the leaf is %j', (pointer, leaf) => {
    expect(pointerLeaf(pointer)).toBe(leaf);
  });

  const within: [pointer: string, ancestor: string, expected: boolean][] = [
    ['/spec/a', '/spec', true],
    ['/spec/a', '/spec/a', true],
    ['/spec/a', '', true],
    ['/spec/ab', '/spec/a', false],
    ['/spec', '/spec/a', false],
    ['/status', '/spec', false],
  ];
  it.each(within)('given %s within %s, returns %s', (pointer, ancestor, expected) => {
    expect(isPointerWithin(pointer, ancestor)).toBe(expected);
  });
});
