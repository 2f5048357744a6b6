import { structuralProblems } from './structural-problems.js';

const intOrString = { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true };

function root(spec: object): object {
  return { type: 'object', properties: { metadata: { type: 'object' }, spec } };
}

describe('structuralProblems', () => {
  it('given a structural schema, returns nothing', () => {
    const schema = root({
      type: 'object',
      properties: {
        a: { type: 'string', enum: ['x', 'y'] },
        q: { type: 'object', additionalProperties: { ...intOrString, pattern: '^[0-9]+$' } },
        l: { type: 'array', items: { type: 'integer', enum: [1] } },
        any: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
      required: ['a'],
    });
    expect(structuralProblems(schema)).toEqual([]);
  });

  const cases: [name: string, spec: object, problem: string][] = [
    ['a node without a type', { properties: {} }, '/spec: has no type'],
    [
      'a property without a type',
      { type: 'object', properties: { a: { description: 'x' } } },
      '/spec/a: has no type',
    ],
    ['an item without a type', { type: 'array', items: {} }, '/spec[]: has no type'],
    ['an array without items', { type: 'array' }, '/spec: an array needs items'],
    [
      'additionalProperties false beside properties',
      { type: 'object', properties: {}, additionalProperties: false },
      '/spec: properties and additionalProperties must not be used together',
    ],
    [
      'a boolean additionalProperties',
      { type: 'object', additionalProperties: true },
      '/spec: additionalProperties must be a schema, not true',
    ],
    ['a $ref', { type: 'object', $ref: '#/x' }, '/spec: keyword $ref is not allowed in a structural schema'],
    ['a const', { type: 'string', const: 'x' }, '/spec: keyword const is not allowed in a structural schema'],
    [
      'patternProperties',
      { type: 'object', patternProperties: { '.*': { type: 'string' } } },
      '/spec: keyword patternProperties is not allowed in a structural schema',
    ],
    [
      'an anyOf that is not int-or-string',
      { type: 'string', anyOf: [{ type: 'string' }] },
      '/spec: anyOf is only allowed as the int-or-string anyOf',
    ],
    [
      'an int-or-string with extras in anyOf',
      { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string' }] },
      '/spec: anyOf is only allowed as the int-or-string anyOf',
    ],
    [
      'an int-or-string with a type',
      { ...intOrString, type: 'string' },
      '/spec: an int-or-string node must not have a type',
    ],
    ['a oneOf', { type: 'string', oneOf: [] }, '/spec: oneOf is only allowed as the int-or-string anyOf'],
    [
      'an enum of the wrong type',
      { type: 'string', enum: ['a', 1] },
      '/spec: enum values [1] are not of type string',
    ],
    [
      'a required field that does not exist',
      { type: 'object', properties: {}, required: ['x'] },
      '/spec: required field x is not among properties',
    ],
    ['an unknown type', { type: 'null' }, '/spec: unknown type "null"'],
    [
      'uniqueItems',
      { type: 'array', items: { type: 'string' }, uniqueItems: true },
      '/spec: uniqueItems: true is not allowed',
    ],
  ];

  it.each(cases)('given %s, reports it', (_name, spec, problem) => {
    expect(structuralProblems(root(spec))).toContain(problem);
  });

  it('given a root that is not an object type, reports it', () => {
    expect(structuralProblems({ type: 'string' })).toEqual(['/: the root must have type object']);
    expect(structuralProblems(null)).toEqual(['/: the schema must be an object']);
  });

  it('given metadata with fields, reports it', () => {
    expect(
      structuralProblems({
        type: 'object',
        properties: { metadata: { type: 'object', properties: { name: { type: 'string' } } } },
      }),
    ).toEqual(['/metadata: must be exactly {type: object}; the apiserver owns ObjectMeta']);
  });
});
