import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Route label of requests that matched no route: the raw URL would explode the series count. */
export const UNMATCHED_ROUTE = 'unmatched';

/** What runs when a response is finished, for one route. Must not throw. */
export type ResponseObserver = (request: FastifyRequest, reply: FastifyReply) => void;

/** Builds a route's observer, given its pattern (UNMATCHED_ROUTE for requests no route matched). */
export type ObserverFactory = (route: string) => ResponseObserver;

function combined(observers: readonly ResponseObserver[]): ResponseObserver {
  if (observers.length === 1 && observers[0]) return observers[0];
  return (request, reply) => {
    for (const observe of observers) observe(request, reply);
  };
}

/**
 * Calls each factory's observer once per finished response. The pattern of each route is known when
 * it is registered (fastify's `onRoute`), so its observers are built then and attached as ONE
 * `onResponse` hook of that route, rather than the pattern being read per request from
 * `request.routeOptions` (which builds a dozen-field object on every read). Requests that matched no
 * route (404s) get the observers for UNMATCHED_ROUTE, through one global hook. Applies to routes
 * registered after the call, in this context and its children; pass every observer in one call so
 * that a request runs one hook, not one per concern.
 */
export function onEveryResponse(app: FastifyInstance, ...factories: readonly ObserverFactory[]): void {
  const observersFor = (route: string) => combined(factories.map((factory) => factory(route)));
  app.addHook('onRoute', (route) => {
    const observe = observersFor(route.url ?? UNMATCHED_ROUTE);
    const hook = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
      observe(request, reply);
      done();
    };
    const existing = route.onResponse;
    route.onResponse = existing === undefined ? [hook] : [...[existing].flat(), hook];
  });
  const unmatched = observersFor(UNMATCHED_ROUTE);
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) unmatched(request, reply);
    done();
  });
}
