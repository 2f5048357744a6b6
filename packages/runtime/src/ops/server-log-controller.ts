import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Fastify's internal log lines for a Corral server: its per-request lines are off (requestLogging
 * writes one line per request instead), but a request that failed with a server error is logged,
 * with the error and its stack. Without this, turning fastify's request lines off (its
 * `disableRequestLogging`) also silences the error its default error handler would log, and an
 * unhandled 500 leaves no trace but a status code. Client errors (4xx) stay unlogged here (the
 * request's line says so at warn); responses are fastify's default, unchanged.
 */
export class ServerLogController extends LogController {
  constructor() {
    super({ disableRequestLogging: true });
  }

  /** A route threw (or sent an Error) and no error handler of its own answered it. */
  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode >= 500) request.log.error({ err: error }, 'request failed');
  }

  /** The reply could not be serialized with the route's response schema: answered with a 500. */
  override serializerError(error: Error, request: FastifyRequest): void {
    request.log.error({ err: error }, 'response serialization failed');
  }
}
