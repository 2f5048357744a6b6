import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A body parser in fastify's callback style (as its default JSON parser is). */
export type TextBodyParser = (
  request: FastifyRequest,
  body: string,
  done: (err: Error | null, body?: unknown) => void,
) => void;

/**
 * Text a prototype-poisoning key could hide in: `__proto__` and `constructor` themselves, or an escaped
 * letter of either: every one of them (`_` 5F, `c` 63 … `u` 75) is written `\u005X`, `\u006X` or
 * `\u007X`. Other escapes cannot spell them, and kube-apiserver writes some in many bodies: Go's JSON is
 * HTML-safe, so every `&`, `<` and `>` (a shell command's `&&`, in the pod and again in its
 * last-applied annotation) arrives as `\u0026`, `\u003c`, `\u003e`. `constructor` is looked for as
 * `uctor`, a part of it that starts with a letter rare in Kubernetes objects: the search skips ahead to
 * each first letter, and `c` is everywhere (3× slower on a pod).
 */
const ESCAPED_NAME_LETTER = /\\u00[5-7]/;

const mayPoison = (text: string): boolean =>
  text.includes('__proto__') ||
  text.includes('uctor') ||
  (text.includes('\\u00') && ESCAPED_NAME_LETTER.test(text));

/**
 * fastify's JSON body parser with the same answers, faster for what webhooks receive: a body that
 * cannot hold a `__proto__` or `constructor` key (most: Kubernetes objects rarely contain either
 * word) goes straight to JSON.parse; any other body, and every empty or invalid one, to `fallback`
 * (fastify's own parser: secure-json-parse, which scans the text with two escape-aware regular
 * expressions on every request, then walks the result when they match, and makes the 400 errors).
 */
export function fastJsonBodyParser(fallback: TextBodyParser): TextBodyParser {
  return (request, body, done) => {
    if (body.length === 0 || mayPoison(body)) return fallback(request, body, namingPoison(body, done));
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return fallback(request, body, done);
    }
    done(null, parsed);
  };
}

/** The 400 answer's message for a body refused for a poisoned key, not for its syntax. */
export const POISONED_KEY_MESSAGE =
  'the body is valid JSON but holds a "__proto__" key, or a "constructor" key holding "prototype", at some ' +
  'depth: refused (prototype poisoning); remove that key from the object';

/**
 * `done`, with fastify's "Body is not valid JSON" error reworded when the body is valid JSON: the
 * fallback refused it for a poisoned key, which the sender should be told, not that its JSON is bad.
 */
function namingPoison(body: string, done: Parameters<TextBodyParser>[2]): Parameters<TextBodyParser>[2] {
  return (err, parsed) => {
    if (err === null || body.length === 0 || !isJson(body)) return done(err, parsed);
    done(
      Object.assign(new Error(POISONED_KEY_MESSAGE), { statusCode: 400, code: 'CORRAL_POISONED_JSON_KEY' }),
    );
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Replaces the instance's `application/json` parser with fastJsonBodyParser (poisoned keys refused). */
export function useFastJsonBodies(app: FastifyInstance): void {
  const fallback = app.getDefaultJsonParser('error', 'error') as TextBodyParser;
  app.addContentTypeParser('application/json', { parseAs: 'string' }, fastJsonBodyParser(fallback));
}
