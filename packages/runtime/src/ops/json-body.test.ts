import { fastify } from 'fastify';
import { fastJsonBodyParser, useFastJsonBodies, type TextBodyParser } from './json-body.js';

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
  ])('given %s, refuses the body with 400 as fastify does', async (_, payload) => {
    const reply = await post(payload);
    expect(reply.statusCode).toBe(400);
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

  it('given a body that mentions __proto__ or an escape, leaves it to the fallback', () => {
    const fallback = vi.fn<TextBodyParser>();
    const parse = fastJsonBodyParser(fallback);
    parse({} as never, '{"note":"__proto__"}', vi.fn());
    parse({} as never, '{"note":"\\u0041"}', vi.fn());
    expect(fallback).toHaveBeenCalledTimes(2);
  });
});
