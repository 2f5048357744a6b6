import { foldsOnto, goField, goPresent } from './go-json.js';

/** A decoded body as JSON.parse builds it, keys in document order. */
const parsed = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe('goField', () => {
  it.each([
    ['the exact key', '{"Pod":1}', 'Pod', 1],
    ['a lower-case key', '{"pod":2}', 'Pod', 2],
    ['an upper-case key', '{"POD":3}', 'Pod', 3],
    ['a folded key, then the exact one', '{"pod":4,"Pod":5}', 'Pod', 5],
    ['the exact key, then a folded one (the later key wins)', '{"Pod":5,"pod":4}', 'Pod', 4],
    ['three spellings', '{"POD":1,"Pod":2,"pOd":3}', 'Pod', 3],
    ['a longer key', '{"Pods":6}', 'Pod', undefined],
    ['a key with one more letter', '{"PodX":7}', 'Pod', undefined],
    ['a shorter key', '{"Po":8}', 'Pod', undefined],
    ['an accented letter', '{"Pód":9}', 'Pod', undefined],
    ['a Greek omicron for o', '{"P\u03bfd":10}', 'Pod', undefined],
    ['U+017F long s for s', '{"NodeName\u017f":["a"]}', 'NodeNames', ['a']],
    ['U+017F long s for S', '{"\u017fcore":11}', 'Score', 11],
    ['U+212A Kelvin sign for k', '{"\u212Aind":12}', 'Kind', 12],
    ['U+212A Kelvin sign for K in lower case', '{"\u212Aind":13}', 'kind', 13],
    ['U+017F long s for k', '{"\u017find":14}', 'Kind', undefined],
    ['U+212A Kelvin sign for s', '{"NodeName\u212A":15}', 'NodeNames', undefined],
    ['U+0130 dotted capital I for i (not a simple fold of i)', '{"K\u0130nd":16}', 'Kind', undefined],
    ['DEL for an underscore', '{"A\u007fB":17}', 'A_B', undefined],
    ['a backquote for @', '{"a`b":18}', 'a@b', undefined],
    ['an underscore, exact', '{"a_b":19}', 'A_B', 19],
    ['a digit, exact', '{"v1":20}', 'V1', 20],
    ['a null value', '{"Pod":null}', 'Pod', null],
    ['a later null over a value', '{"Pod":{},"POD":null}', 'Pod', null],
    ['no key at all', '{}', 'Pod', undefined],
  ])('given %s, reads %s as Go does', (_what, text, field, expected) => {
    expect(goField(parsed(text), field)).toEqual(expected);
  });

  it('given a JSON key __proto__, reads it as an ordinary key', () => {
    expect(goField(parsed('{"__proto__":{"a":1}}'), '__PROTO__')).toEqual({ a: 1 });
  });

  it('given a field only on the prototype, does not read it', () => {
    const object = Object.create({ Pod: 1 }) as Record<string, unknown>;
    expect(goField(object, 'Pod')).toBeUndefined();
  });

  it('given an exactly repeated key, reads the last value JSON.parse kept', () => {
    // JSON.parse keeps `pod` at its first place with its last value: `Pod` is met last (see go-json.ts).
    expect(goField(parsed('{"pod":1,"Pod":2,"pod":3}'), 'Pod')).toBe(2);
    expect(goField(parsed('{"Pod":1,"Pod":2}'), 'Pod')).toBe(2);
  });
});

describe('goPresent', () => {
  it.each([
    ['{"Nodes":null}', undefined],
    ['{"Nodes":{"items":[]}}', { items: [] }],
    ['{"Nodes":{"items":[]},"nodes":null}', undefined],
  ])('given %s, reads Nodes as %j (null is absent)', (text, expected) => {
    expect(goPresent(parsed(text), 'Nodes')).toEqual(expected);
  });
});

describe('foldsOnto', () => {
  it('given every ASCII character against every ASCII letter and non-letter, folds only letters', () => {
    for (let f = 0x20; f < 0x7f; f++) {
      for (let k = 0x20; k < 0x7f; k++) {
        const field = String.fromCharCode(f);
        const isLetter = /[A-Za-z]/.test(field);
        const same = k === f || (isLetter && String.fromCharCode(k).toLowerCase() === field.toLowerCase());
        expect(foldsOnto(String.fromCharCode(k), field), `${k} onto ${f}`).toBe(same);
      }
    }
  });
});
