import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';

const answeringHalfClosed = new WeakSet<object>();

/**
 * Makes the server answer what a client sent before it half-closed its connection (its request, then
 * a FIN, or over TLS a close_notify), then close it. Node ends such a connection as soon as it reads
 * the close, so only an answer written in the same turn as the request's read reached the client:
 * not one answered in the cohort after that turn, nor one whose rules wait (e.g. for a namespace).
 * The connection stays open for the answers to the requests already read, no longer; one half-closed
 * with nothing in flight is ended at once, as before. Over TLS this applies once the handshake is
 * done (a close during the handshake still ends the connection at once).
 */
export function answerHalfClosedConnections(
  server: FastifyInstance['server'] & { httpAllowHalfOpen?: boolean },
): void {
  if (answeringHalfClosed.has(server)) return;
  answeringHalfClosed.add(server);
  // Node's own switch for this (not in its typings): on a client's close, answer what is in flight.
  server.httpAllowHalfOpen = true;
  server.on('secureConnection', (socket: TLSSocket) => {
    socket.allowHalfOpen = true;
  });
}
