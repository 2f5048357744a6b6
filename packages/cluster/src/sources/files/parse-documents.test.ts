import { describe, expect, it } from 'vitest';
import { aliasBombRows } from '../../../../../test/support/yaml-bomb.js';
import { parseDocuments } from './parse-documents.js';

describe('parseDocuments', () => {
  it('given an alias bomb, returns a problem naming the document instead of throwing', () => {
    const text = aliasBombRows();
    const parsed = parseDocuments('p.yaml', `kind: Namespace\n---\n${text}\n`);
    expect(parsed.documents.map((d) => d.number)).toEqual([1]);
    expect(parsed.problems).toEqual([
      expect.objectContaining({
        source: 'p.yaml (document 2)',
        message: expect.stringMatching(/^cannot read the YAML: Excessive alias count/),
      }),
    ]);
  });

  it('given a merge key, merges the mapping as kubectl does', () => {
    const parsed = parseDocuments('p.yaml', 'base: &b {p: 1, q: 2}\nthing:\n  <<: *b\n  q: 3\n');
    expect(parsed.problems).toEqual([]);
    expect(parsed.documents[0]?.value).toEqual({ base: { p: 1, q: 2 }, thing: { p: 1, q: 3 } });
  });

  it('given a few aliases, reads them', () => {
    const parsed = parseDocuments('p.yaml', 'a: &a {x: 1}\nb: *a\n');
    expect(parsed.documents[0]?.value).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });
});

describe('parseDocuments reads YAML as kubectl apply does (YAML 1.1, go-yaml v2)', () => {
  const values: [string, string, unknown][] = [
    ['a leading zero (octal)', 'pods: 010', { pods: 8 }],
    ['yes/no/on/off/y/n (booleans)', 'a: no\nb: off\nc: y\nd: On', { a: false, b: false, c: true, d: true }],
    ['0x, 0o and 0b prefixes', 'a: 0x1F\nb: 0o17\nc: 0b101', { a: 31, b: 15, c: 5 }],
    ['digits with underscores', 'a: 1_000', { a: 1000 }],
    ['base 60 (go-yaml does not read it)', 'a: 1:20', { a: '1:20' }],
    ['a timestamp (go-yaml keeps the text)', 'a: 2001-12-14', { a: '2001-12-14' }],
    [
      'quoted and tagged values (never resolved)',
      'a: "010"\nb: \'no\'\nc: !!str yes',
      { a: '010', b: 'no', c: 'yes' },
    ],
    ['keys (JSON keys are text; a key y is true)', 'yes: 1\n010: 2\nn: 3', { true: 1, 8: 2, false: 3 }],
    ['a byte order mark and CRLF line ends', '\uFEFFa: 1\r\nb: no\r\n', { a: 1, b: false }],
  ];
  it.each(values)('given %s, returns what kubectl sends', (_name, text, value) => {
    const parsed = parseDocuments('p.yaml', text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.documents[0]?.value).toEqual(value);
  });

  const refused: [string, string, RegExp][] = [
    ['a duplicate key', 'a: 1\nb: 2\na: 3\n', /^line 3: key "a" appears twice/],
    ['two spellings of one JSON key', 'x:\n  1: a\n  "1": b\n', /^line 3: key "1" appears twice/],
    ['yes and true as keys', 'yes: a\ntrue: b\n', /^line 2: key "true" appears twice/],
    [
      'a key before a merge that sets it (go-yaml v2 lets the merge win)',
      'base: &b {x: 1}\nthing:\n  x: 2\n  <<: *b\n',
      /^line 3: key "x" comes before a merge key "<<" that sets it too.*put "<<" first$/,
    ],
    [
      'two merge keys in one mapping',
      'a: &a {x: 1}\nb: &b {y: 1}\nc:\n  <<: *a\n  <<: *b\n',
      /^line 5: a second merge key/,
    ],
    ['.inf (not JSON)', 'a: 1\nb: .inf\n', /^line 2: \.inf is not a number JSON can carry/],
    ['.nan (not JSON)', 'b: .NaN\n', /^line 1: \.NaN is not a number/],
    ['a null key', '~: a\n', /^line 1: a mapping key is null/],
    ['a float key', '1.5: a\n', /^line 1: the mapping key 1\.5 is a number/],
    ['a tab in the indentation', 'a:\n  b: 1\n\tc: 2\n', /Tabs are not allowed as indentation at line 3/],
  ];
  it.each(refused)('given %s, returns a problem naming the line', (_name, text, message) => {
    const parsed = parseDocuments('p.yaml', text);
    expect(parsed.documents).toEqual([]);
    expect(parsed.problems).toEqual([
      expect.objectContaining({ source: 'p.yaml (document 1)', message: expect.stringMatching(message) }),
    ]);
  });

  it('given keys after a merge, lets them override it, as every reader does', () => {
    const parsed = parseDocuments(
      'p.yaml',
      'a: &a {p: 1, q: 1}\nb: &b {p: 2, r: 2}\nc:\n  <<: [*a, *b]\n  q: 3\n',
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.documents[0]?.value).toMatchObject({ c: { p: 1, q: 3, r: 2 } });
  });
});
