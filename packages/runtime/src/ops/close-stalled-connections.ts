import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Makes `app.close()` end the connections that carry no request to answer, once the requests in
 * flight are answered. Node counts a connection as busy from its accept (or its first byte), and
 * stops expiring slow requests when the server closes: a client that connected and sent nothing,
 * half its headers, or (HTTPS) no TLS handshake, held `close()` open until it left, and the shutdown
 * ran into its deadline and exited 1 without running its later steps. Connections are tracked as
 * they are accepted and requests counted as they are dispatched; once closing starts (fastify's
 * `preClose`) and no request is in flight, every connection left is destroyed, and a connection
 * accepted from then on at once. Requests in flight are answered first (closeKeepAliveWhenClosing
 * ends their connections after them).
 */
export function closeStalledConnectionsWhenClosing(app: FastifyInstance): void {
  const connections = new Set<Socket>();
  let inFlight = 0;
  let closing = false;
  const destroyAll = (): void => connections.forEach((socket) => socket.destroy());

  app.server.on('connection', (socket: Socket) => {
    if (closing) return void socket.destroy();
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
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
    done();
  });
}
