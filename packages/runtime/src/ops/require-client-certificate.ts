import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientCertificateProblem, clientPeerOf } from '../tls/client-certificate.js';
import { loggedPath } from './logged-path.js';
import { OncePerInterval } from './once-per-interval.js';
import { markLoggedElsewhere } from './with-request-logging.js';

export interface RequireClientCertificateOptions {
  /** The name the certificate must carry, as its CN or a DNS or URI subjectAltName; any when omitted. */
  readonly requiredName?: string;
  /** At most one warning per peer address per this period; default 60 s. */
  readonly warnIntervalMs?: number;
  /** The time in ms, for the warning period; default Date.now. */
  readonly now?: () => number;
}

/** A route's `onRequest` check: answers the request itself (and returns the reply) to refuse it. */
export type RequestGuard = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply | undefined>;

/** The start of a refusal's message; the reason follows. */
export const CLIENT_CERTIFICATE_REQUIRED = 'a client certificate signed by the client CA is required';

/**
 * An `onRequest` hook for the routes that only a verified client may call, on a server built with
 * `https.clientCaFile` (which asks every client for a certificate but accepts the connection without
 * one, so that probes and scrapes of the ops routes keep working): answers 403 unless the connection's
 * certificate verified against the client CA (`socket.authorized`) and, with `requiredName`, names
 * it. Each refusal is counted by the request metrics (status code 403) and logged as a warning at
 * most once per `warnIntervalMs` per peer address, with the number held back since; the request
 * line itself drops to debug, so a caller repeating the call cannot flood the log.
 */
export function requireClientCertificate(options: RequireClientCertificateOptions = {}): RequestGuard {
  const warnings = new OncePerInterval(options.warnIntervalMs ?? 60_000, options.now);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const socket = request.raw.socket;
    const problem = clientCertificateProblem(clientPeerOf(socket), options.requiredName);
    if (problem === undefined) return undefined;
    const peer = socket.remoteAddress ?? 'unknown';
    const heldBack = warnings.take(peer);
    markLoggedElsewhere(request);
    if (heldBack !== undefined) {
      request.log.warn(
        {
          peer,
          method: request.method,
          url: loggedPath(request.url),
          problem,
          refusedSinceLastWarning: heldBack,
        },
        'request refused: no trusted client certificate (this peer is logged at most once per interval)',
      );
    }
    return reply
      .code(403)
      .send({ error: 'Forbidden', message: `${CLIENT_CERTIFICATE_REQUIRED}: ${problem}`, statusCode: 403 });
  };
}
