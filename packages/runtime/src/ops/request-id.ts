import { randomBytes } from 'node:crypto';

/**
 * Returns a request id generator: a random prefix drawn once per server (so ids from several replicas
 * and restarts do not collide) and a counter, `3f9a1c0e5b7d-1a`. Unique like a UUID for logs' purposes,
 * at the cost of an increment rather than random bytes per request.
 */
export function requestIdGenerator(): () => string {
  const prefix = randomBytes(6).toString('hex');
  let counter = 0;
  return () => {
    counter += 1;
    return `${prefix}-${counter.toString(36)}`;
  };
}
