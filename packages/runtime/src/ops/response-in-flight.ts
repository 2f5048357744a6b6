import type { ServerResponse } from 'node:http';

/**
 * Given a socket an HTTP/1.1 server reads requests from (the TCP socket, or the TLS socket over it),
 * returns the response it is busy with, or undefined between requests. This reads the field Node's
 * HTTP server keeps the response in (`_httpMessage`, set while a request is dispatched and until its
 * response finishes), so that nothing has to be recorded per request to find it. Any other socket
 * (e.g. the TCP socket under a TLS one) has no response.
 */
export function responseInFlight(socket: object): ServerResponse | undefined {
  return (socket as { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
}
