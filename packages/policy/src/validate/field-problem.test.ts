import { objectContext, schemaGuard, withContext } from './field-problem.js';

describe('schemaGuard', () => {
  const guard = schemaGuard([
    { field: '/spec/quota/hard', message: 'x' },
    { field: '/spec/images/allowedRegistries/1', message: 'y' },
  ]);
  const cases: [pointer: string, sound: boolean][] = [
    ['/spec', true],
    ['/spec/quota', true],
    ['/spec/quota/hard', false],
    ['/spec/quota/hard/cpu', false],
    ['/spec/quota/hardx', true],
    ['/spec/images/allowedRegistries', true],
    ['/spec/images/allowedRegistries/1', false],
    ['/spec/images/allowedRegistries/10', true],
  ];
  it.each(cases)('given %s, isSound returns %s', (pointer, sound) => {
    expect(guard.isSound(pointer)).toBe(sound);
  });

  it('given a problem at the root, nothing is sound', () => {
    expect(schemaGuard([{ field: '', message: 'x' }]).isSound('/spec')).toBe(false);
  });
});

describe('objectContext', () => {
  const cases: [obj: unknown, expected: object][] = [
    [{ metadata: { name: 'a', namespace: 'ns' } }, { kind: 'K', name: 'a', namespace: 'ns' }],
    [{ metadata: { name: 'a' } }, { kind: 'K', name: 'a' }],
    [{ metadata: { name: 3 } }, { kind: 'K', name: '<unnamed>' }],
    [{ metadata: null }, { kind: 'K', name: '<unnamed>' }],
    [null, { kind: 'K', name: '<unnamed>' }],
  ];
  it.each(cases)('given %j, returns %j', (obj, expected) => {
    expect(objectContext(obj, 'K')).toEqual(expected);
  });

  it('given a source, attaches it to every problem', () => {
    expect(withContext(objectContext({}, 'K', 'f.yaml'), [{ field: '/a', message: 'm' }])).toEqual([
      { source: 'f.yaml', kind: 'K', name: '<unnamed>', field: '/a', message: 'm' },
    ]);
  });
});
