import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { responseInFlight } from './response-in-flight.js';

/**
 * How long, once closing starts, a request whose body is still arriving has to finish arriving: far
 * longer than any honest caller needs to send the rest of a body it has started (milliseconds), short
 * against the shutdown deadline.
 */
export const BODY_GRACE_MS = 1000;

/** Is a request on `socket` dispatched but its body not yet wholly received? */
function bodyStillArriving(socket: Socket): boolean {
  const response = responseInFlight(socket);
  return response !== undefined && !response.req.complete;
}

/**
 * Makes `app.close()` end the connections that carry no request to answer, once the requests in
 * flight are answered. Node counts a connection as busy from its accept (or its first byte), and
 * stops expiring slow requests when the server closes: a client that connected and sent nothing,
 * half its headers, or (HTTPS) no TLS handshake, held `close()` open until it left, and the shutdown
 * ran into its deadline and exited 1 without running its later steps. Connections are tracked as
 * they are accepted and requests counted as they are dispatched; once closing starts (fastify's
 * `preClose`) and no request is in flight, every connection left is destroyed, and a connection
 * accepted from then on at once. Requests in flight are answered first (closeKeepAliveWhenClosing
 * ends their connections after them), except a request whose body is still arriving `bodyGraceMs`
 * after closing started (a caller trickling its body): nothing was decided for it, so its connection
 * is destroyed (the caller sees it closed without an answer; one warning says how many) rather than
 * holding the shutdown until its deadline. A request whose body has arrived runs to its answer.
 */
export function closeStalledConnectionsWhenClosing(app: FastifyInstance, bodyGraceMs = BODY_GRACE_MS): void {
  const connections = new Set<Socket>();
  let inFlight = 0;
  let closing = false;
  let grace: NodeJS.Timeout | undefined;
  const destroyAll = (): void => {
    clearTimeout(grace);
    connections.forEach((socket) => socket.destroy());
  };
  const track = (socket: Socket): void => {
    if (closing) return void socket.destroy();
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  };

  app.server.on('connection', track);
  // HTTPS: requests are read from the TLS socket over the TCP one; both are tracked.
  app.server.on('secureConnection', track);
  const answered = (): void => {
    inFlight -= 1;
    if (closing && inFlight === 0) destroyAll();
  };
  app.server.on('request', (_request: unknown, response: ServerResponse) => {
    inFlight += 1;
    response.once('close', answered);
  });
  app.addHook('preClose', (done) => {
    closing = true;
    if (inFlight === 0) destroyAll();
    else {
      grace = setTimeout(() => {
        const arriving = [...connections].filter(bodyStillArriving);
        arriving.forEach((socket) => socket.destroy());
        if (arriving.length > 0) {
          app.log.warn(
            { connections: arriving.length, graceMs: bodyGraceMs },
            'server closing: closed the connections whose request body was still arriving, unanswered',
          );
        }
      }, bodyGraceMs);
      grace.unref();
    }
    done();
  });
}
