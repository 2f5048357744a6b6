import { Type } from '@sinclair/typebox';
import { QuantitySchema } from '../schema/common.js';
import { toOpenApiV3 } from './to-openapi-v3.js';

describe('toOpenApiV3', () => {
  const cases: [name: string, input: object, expected: object][] = [
    [
      'a string with bounds',
      Type.String({ minLength: 1, maxLength: 5, description: 'd' }),
      { type: 'string', minLength: 1, maxLength: 5, description: 'd' },
    ],
    [
      'an integer with a default',
      Type.Integer({ minimum: 1, default: 3 }),
      { type: 'integer', minimum: 1, default: 3 },
    ],
    ['a boolean', Type.Boolean(), { type: 'boolean' }],
    ['a literal', Type.Literal('x'), { type: 'string', enum: ['x'] }],
    [
      'a union of literals, with its default',
      Type.Union([Type.Literal('a'), Type.Literal('b')], { default: 'a', description: 'd' }),
      { type: 'string', enum: ['a', 'b'], default: 'a', description: 'd' },
    ],
    [
      'a union of integer literals',
      Type.Union([Type.Literal(1), Type.Literal(2)]),
      { type: 'integer', enum: [1, 2] },
    ],
    ['a nullable string', Type.Union([Type.String(), Type.Null()]), { type: 'string', nullable: true }],
    [
      'an object without extra properties',
      Type.Object(
        { a: Type.String(), b: Type.Optional(Type.Integer()) },
        { additionalProperties: false, $id: 'X' },
      ),
      { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, required: ['a'] },
    ],
    [
      'an object keeping unknown fields',
      Type.Object({ a: Type.Optional(Type.String()) }, { additionalProperties: true }),
      { type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-preserve-unknown-fields': true },
    ],
    [
      'a Record',
      Type.Record(Type.String(), Type.Integer()),
      { type: 'object', additionalProperties: { type: 'integer' } },
    ],
    [
      'an array',
      Type.Array(Type.String(), { maxItems: 3 }),
      { type: 'array', maxItems: 3, items: { type: 'string' } },
    ],
    [
      'a quantity',
      QuantitySchema,
      {
        description: 'A Kubernetes quantity, e.g. 100m, 1.5Gi, 2Ti.',
        anyOf: [{ type: 'integer' }, { type: 'string' }],
        pattern: QuantitySchema.anyOf[1].pattern,
        'x-kubernetes-int-or-string': true,
      },
    ],
  ];

  it.each(cases)('given %s, returns its structural form', (_name, input, expected) => {
    expect(toOpenApiV3(input as never)).toStrictEqual(expected);
  });

  it('given a TypeBox schema, leaves no symbols, $id or Kind behind', () => {
    const result = toOpenApiV3(Type.Object({ a: Type.String() }, { $id: 'A' }));
    expect(Object.getOwnPropertySymbols(result)).toEqual([]);
    expect(Object.getOwnPropertySymbols(result.properties?.a)).toEqual([]);
    expect(JSON.stringify(result)).not.toMatch(/\$id|Kind/);
  });

  const unsupported: [name: string, input: object, message: RegExp][] = [
    [
      'a union of two types',
      Type.Union([Type.String(), Type.Integer()]),
      /\/ is a union Kubernetes cannot express/,
    ],
    [
      'literals of mixed types',
      Type.Union([Type.Literal('a'), Type.Literal(1)]),
      /must share one scalar type/,
    ],
    [
      'an int-or-string mark on a plain string',
      Type.Union([Type.String()], { 'x-kubernetes-int-or-string': true }),
      /is not a union of integer and string/,
    ],
    [
      'a nested bad union',
      Type.Object({ a: Type.Object({ b: Type.Union([Type.String(), Type.Boolean()]) }) }),
      /\/a\/b is a union/,
    ],
    ['a null', Type.Null(), /unsupported schema at \//],
  ];

  it.each(unsupported)('given %s, throws naming the path', (_name, input, message) => {
    expect(() => toOpenApiV3(input as never)).toThrow(message);
  });
});
