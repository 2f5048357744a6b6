import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A caller's `x-request-id` worth keeping in every log line of its request: short, no odd characters. */
const GIVEN_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Returns a request id generator: the caller's `x-request-id` when it is a sane id (at most 128
 * characters of letters, digits and `._:-`; anything else, which would land unchecked in every log
 * line of the request, is ignored), else a random prefix drawn once per server (so ids from several
 * replicas and restarts do not collide) and a counter, `3f9a1c0e5b7d-1a`. Unique like a UUID for
 * logs' purposes, at the cost of an increment rather than random bytes per request.
 */
export function requestIdGenerator(): (request?: { readonly headers: IncomingHttpHeaders }) => string {
  const prefix = randomBytes(6).toString('hex');
  let counter = 0;
  return (request) => {
    const given = request?.headers['x-request-id'];
    if (typeof given === 'string' && GIVEN_ID.test(given)) return given;
    counter += 1;
    return `${prefix}-${counter.toString(36)}`;
  };
}
