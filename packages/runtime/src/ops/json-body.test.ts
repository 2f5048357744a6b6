import fc from 'fast-check';
import { fastify } from 'fastify';
import {
  POISONED_KEY_MESSAGE,
  fastJsonBodyParser,
  useFastJsonBodies,
  type TextBodyParser,
} from './json-body.js';

function server() {
  const app = fastify();
  useFastJsonBodies(app);
  app.post('/echo', async (request) => ({
    body: request.body,
    proto: Object.getPrototypeOf(request.body) === Object.prototype,
  }));
  return app;
}

const post = (payload: string) =>
  server().inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload });

describe('fastJsonBodyParser', () => {
  it.each([
    ['an object', '{"a":1,"b":[true,null,"x"],"c":{"d":"e"}}'],
    ['a string with escapes', '{"a":"line\\nbreak \\"quoted\\" \\u00e9t\\u00e9"}'],
    ['a top-level array', '[1,2,3]'],
    ['a constructor value that is not a key', '{"env":[{"name":"X","value":"constructor"}]}'],
  ])('given %s, answers what JSON.parse gives', async (_, payload) => {
    const reply = await post(payload);
    expect(reply.statusCode).toBe(200);
    expect(reply.json().body).toEqual(JSON.parse(payload));
  });

  it.each([
    ['a __proto__ key', '{"a":{"__proto__":{"polluted":true}}}'],
    ['an escaped __proto__ key', '{"a":{"\\u005f_proto__":{"polluted":true}}}'],
    ['an escaped __proto__ key, upper-case hex', '{"\\u005F\\u005Fproto\\u005F\\u005F":{"x":1}}'],
    ['a constructor.prototype key', '{"constructor":{"prototype":{"polluted":true}}}'],
    ['an escaped constructor.prototype key', '{"\\u0063onstructor":{"prototype":{"polluted":true}}}'],
  ])('given %s, refuses the body with 400, saying why', async (_, payload) => {
    const reply = await post(payload);
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toMatchObject({ code: 'CORRAL_POISONED_JSON_KEY', message: POISONED_KEY_MESSAGE });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    ['an empty body', '', 'FST_ERR_CTP_EMPTY_JSON_BODY'],
    ['invalid JSON', '{"a":', 'FST_ERR_CTP_INVALID_JSON_BODY'],
    ['trailing garbage', '{"a":1} x', 'FST_ERR_CTP_INVALID_JSON_BODY'],
  ])("given %s, answers fastify's own 400 error", async (_, payload, code) => {
    const reply = await post(payload);
    expect(reply.statusCode).toBe(400);
    expect(reply.json().code).toBe(code);
  });

  it('given a body that cannot hold a poisoned key, never calls the fallback', () => {
    const fallback = vi.fn<TextBodyParser>();
    const done = vi.fn();
    fastJsonBodyParser(fallback)({} as never, '{"kind":"AdmissionReview","request":{"uid":"u"}}', done);
    expect(fallback).not.toHaveBeenCalled();
    expect(done).toHaveBeenCalledWith(null, { kind: 'AdmissionReview', request: { uid: 'u' } });
  });

  it("given the escapes kube-apiserver writes for & < > (Go's HTML-safe JSON), never calls the fallback", () => {
    // encoding/json writes `sh -c "a && b"` as "sh -c \"a \u0026\u0026 b\"": every pod with a shell
    // command or a last-applied annotation holding one. None can spell a letter of a poisoned key.
    const fallback = vi.fn<TextBodyParser>();
    const done = vi.fn();
    const body = '{"command":["sh","-c","a \\u0026\\u0026 b \\u003e /dev/null \\u003c in"]}';
    fastJsonBodyParser(fallback)({} as never, body, done);
    expect(fallback).not.toHaveBeenCalled();
    expect(done).toHaveBeenCalledWith(null, { command: ['sh', '-c', 'a && b > /dev/null < in'] });
  });

  it.each([
    ['_', '\\u005f_proto__'],
    ['p', '__\\u0070roto__'],
    ['r', '__p\\u0072oto__'],
    ['o', '__pr\\u006Fto__'],
    ['t', '__pro\\u0074o__'],
    ['c', '\\u0063onstructor'],
    ['n', 'co\\u006estructor'],
    ['s', 'con\\u0073tructor'],
    ['u', 'constr\\u0075ctor'],
  ])('given a key with %s escaped, leaves it to the fallback', (_letter, key) => {
    const fallback = vi.fn<TextBodyParser>();
    fastJsonBodyParser(fallback)({} as never, `{"${key}":{"prototype":{"x":1}}}`, vi.fn());
    expect(fallback).toHaveBeenCalledTimes(1);
  });

  it('given a body that mentions __proto__ or an escape, leaves it to the fallback', () => {
    const fallback = vi.fn<TextBodyParser>();
    const parse = fastJsonBodyParser(fallback);
    parse({} as never, '{"note":"__proto__"}', vi.fn());
    parse({} as never, '{"note":"\\u0070"}', vi.fn());
    expect(fallback).toHaveBeenCalledTimes(2);
  });
});

/** Has `value`, at any depth, an own key `__proto__` or `constructor`? */
function holdsPoisonedKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.keys(value).some(
    (key) =>
      key === '__proto__' ||
      key === 'constructor' ||
      holdsPoisonedKey((value as Record<string, unknown>)[key]),
  );
}

describe('fastJsonBodyParser, random escapes', () => {
  /** A key as JSON text: a name, each character maybe written as a \\u escape in either case. */
  const key = fc
    .tuple(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'a&b', '<x>', 'uctor'),
      fc.array(
        fc.oneof(
          { arbitrary: fc.constant('plain'), weight: 4 },
          { arbitrary: fc.constantFrom('lower', 'upper'), weight: 1 },
        ),
        { minLength: 12, maxLength: 12 },
      ),
    )
    .map(([name, ways]) =>
      [...name]
        .map((char, i) => {
          const hex = char.charCodeAt(0).toString(16).padStart(4, '0');
          const way = ways[i];
          return way === 'plain' ? char : `\\u${way === 'upper' ? hex.toUpperCase() : hex}`;
        })
        .join(''),
    );
  const body = fc
    .array(fc.tuple(key, fc.constantFrom('1', '{"prototype":{"x":1}}', '"\\u0026"')), { maxLength: 4 })
    .map((entries) => `{"a":{${entries.map(([k, v]) => `"${k}":${v}`).join(',')}}}`);

  it('given any keys, escaped or not, skips the fallback only for a body that holds no key to fear', () => {
    const seen = { direct: 0, fallback: 0 };
    fc.assert(
      fc.property(body, (text) => {
        const fallback = vi.fn<TextBodyParser>();
        const done = vi.fn();
        fastJsonBodyParser(fallback)({} as never, text, done);
        if (fallback.mock.calls.length === 0) {
          // Parsed directly: once, as JSON.parse reads it, and nothing in it to fear.
          seen.direct += 1;
          expect(done.mock.calls).toEqual([[null, JSON.parse(text)]]);
          expect(holdsPoisonedKey(JSON.parse(text))).toBe(false);
        } else {
          // Handed over whole: the fallback answers, never both.
          seen.fallback += 1;
          expect(fallback).toHaveBeenCalledTimes(1);
          expect(fallback.mock.calls[0]?.[1]).toBe(text);
          expect(done).not.toHaveBeenCalled();
        }
      }),
      { numRuns: 2000 },
    );
    // Both paths were taken, so neither check above held vacuously.
    expect(seen.direct).toBeGreaterThan(100);
    expect(seen.fallback).toBeGreaterThan(100);
  });
});
