import { hasRepeats } from './distinct-names.js';

const names = (count: number, prefix = 'node-') => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('hasRepeats', () => {
  it.each([
    ['no name', [], false],
    ['one name', ['a'], false],
    ['two names', ['a', 'b'], false],
    ['a name twice', ['a', 'a'], true],
    ['500 distinct names', names(500), false],
    ['500 names, the first again at the end', [...names(500), 'node-0'], true],
    ['500 names, the last twice in a row', [...names(500), 'node-499'], true],
    ['names that differ only in case or by a suffix', ['Node-1', 'node-1', 'node-10', 'node-1 '], false],
    ['non-ASCII names', ['nöde', 'node', 'ノード', 'nöde'], true],
  ])('given %s, returns %s', (_what, list, expected) => {
    expect(hasRepeats(list)).toBe(expected);
    expect(hasRepeats(list)).toBe(new Set(list).size !== list.length);
  });

  it('compares names by content, not by string object', () => {
    const built = ['node', String(7)].join('-');
    expect(hasRepeats(['node-7', 'other', built])).toBe(true);
  });

  it('given a large list (a table it does not keep), then a small one, answers both', () => {
    const large = names(70_000);
    expect(hasRepeats(large)).toBe(false);
    expect(hasRepeats([...large, 'node-69999'])).toBe(true);
    // The kept table is cleared between calls: the same names again are no repeats.
    expect(hasRepeats(names(600))).toBe(false);
    expect(hasRepeats(names(600))).toBe(false);
    expect(hasRepeats(names(3))).toBe(false);
  });

  it('given names crafted to share one slot, still answers (a Set, once probing takes too long)', () => {
    const fnv = (text: string) => {
      let hash = 0x811c9dc5;
      for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
      return hash >>> 0;
    };
    const colliding: string[] = [];
    for (let i = 0; colliding.length < 600; i++) if ((fnv(`n${i}`) & 2047) === 5) colliding.push(`n${i}`);
    expect(hasRepeats(colliding)).toBe(false);
    expect(hasRepeats([...colliding, colliding[300] as string])).toBe(true);
  });
});
