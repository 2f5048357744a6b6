import { encodedValue, isPlainKey, JsonMembers, MemberWriter } from './json-members.js';

/** The object's members written by JsonMembers and MemberWriter, as text. */
function written(members: readonly (readonly [string, string])[]): string {
  const values = new Map(members.map(([, value]) => [value, encodedValue(value)]));
  const sizing = new JsonMembers();
  for (const [key, value] of members) sizing.add(key, values.get(value)!);
  const target = Buffer.alloc(sizing.size + 2, 0x21);
  const writer = new MemberWriter(target, 1);
  for (const [key, value] of members) writer.member(key, values.get(value)!);
  const end = writer.end();
  expect(end).toBe(sizing.size + 1);
  // Exactly `size` bytes, nothing written around them.
  expect([target[0], target[end]]).toEqual([0x21, 0x21]);
  return target.subarray(1, end).toString('utf8');
}

/** What JSON.stringify writes for the same members, as a null-prototype object keeps them. */
function stringified(members: readonly (readonly [string, string])[]): string {
  const object = Object.create(null) as Record<string, string>;
  for (const [key, value] of members) object[key] = value;
  return JSON.stringify(object);
}

describe('JsonMembers and MemberWriter', () => {
  it.each([
    ['no member', []],
    [
      'plain node names sharing a reason',
      [
        ['node-1', 'r'],
        ['Node_2.a', 'r'],
        ['n-3', 'other'],
      ],
    ],
    [
      'quotes and backslashes',
      [
        ['we"ird\\name', 'say "no" \\ here'],
        ['ok', '"'],
      ],
    ],
    [
      'control characters',
      [
        ['tab\there\n', '\u0000\u0001\u001f\u007f'],
        ['\r', '\b\f'],
      ],
    ],
    ['line separators', [['a\u2028b', '\u2029']]],
    [
      'non-ASCII',
      [
        ['nöde-ü', 'GPU für Ärzte'],
        ['ノード', '节点 😀'],
      ],
    ],
    [
      'lone surrogates',
      [
        ['\ud800x', 'y\udfff'],
        ['\udc00', '\ud83d'],
      ],
    ],
    ['an empty key and value', [['', '']]],
    [
      'prototype keys',
      [
        ['__proto__', 'x'],
        ['constructor', 'y'],
        ['toString', 'z'],
      ],
    ],
    ['a long reason', [['n', 'x'.repeat(70_000)]]],
  ] as [string, [string, string][]][])(
    'given %s, writes exactly what JSON.stringify writes, in as many bytes as counted',
    (_what, members) => {
      expect(written(members)).toBe(stringified(members));
    },
  );

  it('given 500 members, writes them in order', () => {
    const members = Array.from({ length: 500 }, (_, i) => [`node-${i}`, `reason ${i % 7}`] as const);
    expect(written(members)).toBe(stringified(members));
  });
});

describe('isPlainKey', () => {
  it.each([
    ['node-0001', true],
    ['ip-10-0-1-2.eu-west-1.compute.internal', true],
    ['A_Z.a-z0-9', true],
    ['', true],
    ['a b', false],
    ['a"b', false],
    ['a\\b', false],
    ['a/b', false],
    ['a@b', false],
    ['a[b', false],
    ['a`b', false],
    ['a{b', false],
    ['é', false],
    ['\u0000', false],
  ])('given %j, returns %s', (key, plain) => {
    expect(isPlainKey(key)).toBe(plain);
    // Plain means JSON writes the key as it is.
    if (plain) expect(JSON.stringify(key)).toBe(`"${key}"`);
  });
});
