import { describe, expect, it } from 'vitest';
import { Interner, internLabels, internResources } from './intern.js';

describe('interning', () => {
  it('given equal label sets in any key order, returns one shared frozen object', () => {
    const a = internLabels({ app: 'web', tier: 'front' });
    const b = internLabels({ tier: 'front', app: 'web' });
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(internLabels({ app: 'web', tier: 'back' })).not.toBe(a);
  });

  it('given equal resource lists, returns one shared list; different values stay apart', () => {
    const a = internResources(
      new Map([
        ['cpu', 100_000_000n],
        ['memory', 1n << 27n],
      ]),
    );
    const b = internResources(
      new Map([
        ['memory', 1n << 27n],
        ['cpu', 100_000_000n],
      ]),
    );
    expect(b).toBe(a);
    expect(internResources(new Map([['cpu', 200_000_000n]]))).not.toBe(a);
  });

  it('given a full table, keeps returning correct (unshared) values', () => {
    const interner = new Interner<string[]>(1);
    const first = interner.intern('a', ['a']);
    const second = interner.intern('b', ['b']);
    expect(interner.intern('a', ['a2'])).toBe(first);
    expect(interner.intern('b', ['b2'])).not.toBe(second);
    expect(interner.size).toBe(1);
  });
});
