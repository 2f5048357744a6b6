import type { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';

/**
 * From now on, every response of `server` says `Connection: close` and ends its connection. For the
 * drain at shutdown: kube-apiserver (calling webhooks) and kube-scheduler (calling the extender) keep
 * reusing the connections they hold to a terminating pod for as long as it answers on them, even once
 * its endpoint is gone; told to close, each client opens its next connection to a pod that stays.
 * Added when the drain starts (a `request` listener ahead of fastify's), so it costs nothing before.
 * (HTTP/1.1: an HTTP/2 response has no keep-alive to end, and the flag means nothing to it.)
 */
export function closeConnectionsAfterResponse(server: Pick<EventEmitter, 'prependListener'>): void {
  server.prependListener('request', (_request: unknown, response: ServerResponse) => {
    response.shouldKeepAlive = false;
  });
}
