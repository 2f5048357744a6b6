import type { LabelSelector } from '../schema/common.js';
import { selectorMatches, selectorProblems, type Labels } from './label-selector.js';

describe('selectorMatches', () => {
  const cases: [name: string, selector: LabelSelector, labels: Labels | undefined, expected: boolean][] = [
    ['empty selector, no labels', {}, undefined, true],
    ['empty selector, any labels', {}, { a: '1' }, true],
    ['matchLabels equal', { matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    ['matchLabels other value', { matchLabels: { a: '1' } }, { a: '2' }, false],
    ['matchLabels missing key', { matchLabels: { a: '1' } }, {}, false],
    ['matchLabels no labels', { matchLabels: { a: '1' } }, undefined, false],
    ['matchLabels empty value', { matchLabels: { a: '' } }, { a: '' }, true],
    [
      'In, value listed',
      { matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] },
      { a: '2' },
      true,
    ],
    [
      'In, value not listed',
      { matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }] },
      { a: '3' },
      false,
    ],
    ['In, key missing', { matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }] }, {}, false],
    [
      'NotIn, value listed',
      { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] },
      { a: '1' },
      false,
    ],
    [
      'NotIn, other value',
      { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] },
      { a: '2' },
      true,
    ],
    ['NotIn, key missing', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, {}, true],
    ['Exists, present', { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { a: '' }, true],
    ['Exists, missing', { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { b: '1' }, false],
    ['DoesNotExist, missing', { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, {}, true],
    [
      'DoesNotExist, present',
      { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] },
      { a: '1' },
      false,
    ],
    [
      'labels and expressions both required',
      { matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'Exists' }] },
      { a: '1' },
      false,
    ],
    [
      'labels and expressions both met',
      { matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'Exists' }] },
      { a: '1', b: 'x' },
      true,
    ],
    [
      'inherited keys do not count',
      { matchExpressions: [{ key: 'toString', operator: 'Exists' }] },
      {},
      false,
    ],
  ];

  it.each(cases)('given %s, returns %s', (_name, selector, labels, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });
});

describe('selectorProblems', () => {
  const cases: [name: string, selector: LabelSelector, expected: string[]][] = [
    ['no expressions', { matchLabels: { a: '1' } }, []],
    ['In with values', { matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }] }, []],
    ['Exists without values', { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, []],
    ['Exists with empty values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: [] }] }, []],
    [
      'In without values',
      { matchExpressions: [{ key: 'a', operator: 'In' }] },
      ['matchExpressions[0]: operator In needs values'],
    ],
    [
      'NotIn with empty values',
      { matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] },
      ['matchExpressions[0]: operator NotIn needs values'],
    ],
    [
      'DoesNotExist with values, second entry',
      {
        matchExpressions: [
          { key: 'a', operator: 'Exists' },
          { key: 'b', operator: 'DoesNotExist', values: ['x'] },
        ],
      },
      ['matchExpressions[1]: operator DoesNotExist takes no values'],
    ],
  ];

  it.each(cases)('given %s, returns %j', (_name, selector, expected) => {
    expect(selectorProblems(selector)).toEqual(expected);
  });
});
