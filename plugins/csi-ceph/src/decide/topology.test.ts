import { describe, expect, it } from 'vitest';
import { topologySegments } from './topology.js';

describe('topologySegments', () => {
  it.each([
    [
      'the configured keys the node carries',
      { 'topology.kubernetes.io/zone': 'a', other: 'x' },
      ['topology.kubernetes.io/zone'],
      { 'topology.kubernetes.io/zone': 'a' },
    ],
    ['no keys configured', { 'topology.kubernetes.io/zone': 'a' }, [], {}],
    ['a key the node lacks or leaves empty', { zone: '' }, ['zone', 'region'], {}],
    ['no labels known', undefined, ['zone'], {}],
  ])('given %s, returns only those segments', (_what, labels, keys, expected) => {
    expect(topologySegments(labels, keys)).toEqual(expected);
  });
});
