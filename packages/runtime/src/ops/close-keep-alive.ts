import type { FastifyInstance } from 'fastify';

/**
 * Makes `app.close()` finish once the requests in flight are answered. Node closes the keep-alive
 * connections that are idle when the server closes, but a connection busy at that moment stays
 * open after its response until the client's next request or the keep-alive timeout (over a
 * minute), and `close()` waits for it. Node reads the server's `keepAliveTimeout` each time a
 * response finishes, so once closing starts (fastify's `preClose`) it is cut to 1 ms: each busy
 * connection ends right after its response. (A request arriving meanwhile gets fastify's 503, which
 * closes its connection too.) Nothing is added to the requests before that.
 */
export function closeKeepAliveWhenClosing(app: FastifyInstance): void {
  app.addHook('preClose', (done) => {
    app.server.keepAliveTimeout = 1;
    done();
  });
}
