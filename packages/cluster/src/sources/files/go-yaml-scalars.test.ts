import { describe, expect, it } from 'vitest';
import { resolvePlainScalar } from './go-yaml-scalars.js';

// Each row: an unquoted scalar and what go-yaml v2 (so kubectl) makes of it. The rows marked
// "1.2" are read otherwise by a YAML 1.2 reader, those marked "yaml 1.1" by the yaml package's
// own YAML 1.1 schema.
const rows: [string, string, unknown][] = [
  ['010', 'int', 8], // 1.2: 10
  ['-010', 'int', -8], // 1.2: -10
  ['0o10', 'int', 8], // yaml 1.1: text (Go reads the 0o prefix)
  ['0O10', 'int', 8],
  ['0x1F', 'int', 31],
  ['0X1F', 'int', 31], // yaml 1.1: text
  ['-0x1F', 'int', -31], // 1.2: text
  ['0b101', 'int', 5], // 1.2: text
  ['0b-101', 'int', -5], // go-yaml's binary retry takes a sign after the prefix
  ['1_000', 'int', 1000], // 1.2: text
  ['1_', 'int', 1],
  ['0x_1F', 'int', 31],
  ['08', 'float', 8], // not octal: Go reads it as a float
  ['0', 'int', 0],
  ['+12', 'int', 12],
  ['9223372036854775808', 'int', 9223372036854775808], // uint64
  ['0x1FFFFFFFFFFFFFFFFF', 'int', Number(0x1fffffffffffffffffn)], // big.Int
  ['-0x1FFFFFFFFFFFFFFFFF', 'str', '-0x1FFFFFFFFFFFFFFFFF'],
  ['1e3', 'float', 1000],
  ['1.', 'float', 1],
  ['+.5', 'float', 0.5],
  ['.5', 'float', 0.5],
  ['.5e3', 'float', 500],
  ['1_000.5', 'float', 1000.5],
  ['1e400', 'str', '1e400'], // out of range: Go's ParseFloat fails, go-yaml keeps the text
  ['.inf', 'float', Infinity],
  ['-.Inf', 'float', -Infinity],
  ['.nan', 'float', NaN],
  ['.iNf', 'str', '.iNf'],
  ['1:20', 'str', '1:20'], // yaml 1.1: 80 (base 60, which go-yaml does not read)
  ['-1:20', 'str', '-1:20'],
  ['190:20:30.15', 'str', '190:20:30.15'],
  ['2001-12-14', 'str', '2001-12-14'], // yaml 1.1: a Date
  ['2001-12-14t21:59:43.10-05:00', 'str', '2001-12-14t21:59:43.10-05:00'],
  ['yes', 'bool', true], // 1.2: text
  ['Yes', 'bool', true],
  ['YES', 'bool', true],
  ['yEs', 'str', 'yEs'],
  ['y', 'bool', true],
  ['Y', 'bool', true],
  ['no', 'bool', false],
  ['N', 'bool', false],
  ['on', 'bool', true],
  ['OFF', 'bool', false],
  ['True', 'bool', true],
  ['fAlse', 'str', 'fAlse'],
  ['~', 'null', null],
  ['', 'null', null],
  ['Null', 'null', null],
  ['0x', 'str', '0x'],
  ['0b', 'str', '0b'],
  ['-', 'str', '-'],
  ['_1', 'str', '_1'],
  ['0x1p3', 'str', '0x1p3'],
  ['1e', 'str', '1e'],
  ['1.2.3', 'str', '1.2.3'],
  ['<<', 'str', '<<'],
  ['100m', 'str', '100m'],
  ['nvidia.com/gpu', 'str', 'nvidia.com/gpu'],
];

describe('resolvePlainScalar', () => {
  it.each(rows)('given %s, returns %s %s', (text, type, value) => {
    const resolved = resolvePlainScalar(text);
    expect(resolved.type).toBe(type);
    expect(resolved.value).toEqual(value);
  });
});

describe('resolvePlainScalar on long scalars', () => {
  // A policy file may hold 16 MiB: a scalar of a million digits must not take minutes (digit by digit
  // into a BigInt is quadratic: ~2 minutes for this hex one). Linear, each takes ~30 ms; the bound is
  // wide so that a loaded machine cannot fail it, and still far below the quadratic time.
  it.each([
    ['0x' + 'f'.repeat(1_000_000), 'int', Infinity],
    ['0' + '7'.repeat(1_000_000), 'int', Infinity],
    ['0b' + '1'.repeat(1_000_000), 'int', Infinity],
    ['9'.repeat(1_000_000), 'int', Infinity],
    ['9'.repeat(1_000_000) + 'x', 'str', undefined],
  ])('given a scalar of %#, returns %s within ten seconds', (text, type, value) => {
    const started = performance.now();
    const resolved = resolvePlainScalar(text);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(resolved.type).toBe(type);
    expect(resolved.value).toEqual(value ?? text);
  });
});
