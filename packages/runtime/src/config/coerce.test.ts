import { Type, type TSchema } from '@sinclair/typebox';
import { coerceValue } from './coerce.js';

describe('coerceValue', () => {
  const cases: [string, unknown, TSchema, unknown][] = [
    ['a numeric string for a number', '8443', Type.Number(), 8443],
    ['a float string for a number', ' 0.25 ', Type.Number(), 0.25],
    ['an integer string for an integer', '-3', Type.Integer(), -3],
    ['"true" for a boolean', 'true', Type.Boolean(), true],
    ['"off" for a boolean', 'OFF', Type.Boolean(), false],
    ['"1" for a boolean', '1', Type.Boolean(), true],
    ['a YAML boolean for a boolean', false, Type.Boolean(), false],
    ['a comma list for a string array', 'a, b,,c', Type.Array(Type.String()), ['a', 'b', 'c']],
    ['repeated flags with commas', ['a,b', 'c'], Type.Array(Type.String()), ['a', 'b', 'c']],
    ['a comma list for a number array', '1,2', Type.Array(Type.Number()), [1, 2]],
    ['a YAML number for a string', 8443, Type.String(), '8443'],
    [
      'a literal for a literal union',
      'node',
      Type.Union([Type.Literal('controller'), Type.Literal('node')]),
      'node',
    ],
    ['a number string for a number|string union', '5', Type.Union([Type.Number(), Type.String()]), 5],
    ['a plain string for a string', 'x', Type.String(), 'x'],
  ];
  it.each(cases)('given %s, returns the typed value', (_name, raw, schema, expected) => {
    expect(coerceValue(raw, schema)).toEqual({ ok: true, value: expected });
  });

  const failures: [string, unknown, TSchema, string][] = [
    ['a word for a number', 'abc', Type.Number(), 'expected a number, got "abc"'],
    ['an empty string for a number', '', Type.Number(), 'expected a number, got ""'],
    ['"12px" for a number', '12px', Type.Number(), 'expected a number, got "12px"'],
    ['"maybe" for a boolean', 'maybe', Type.Boolean(), 'expected true or false, got "maybe"'],
    ['a bad element in a number list', '1,x', Type.Array(Type.Number()), 'expected a number, got "x"'],
  ];
  it.each(failures)('given %s, returns what was expected', (_name, raw, schema, expected) => {
    expect(coerceValue(raw, schema)).toEqual({ ok: false, expected });
  });
});
