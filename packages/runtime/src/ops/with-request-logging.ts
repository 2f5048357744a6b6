import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { onEveryResponse, UNMATCHED_ROUTE, type ObserverFactory } from './on-every-response.js';
import { loggedPath } from './logged-path.js';
import { OPS_ROUTES } from './with-ops.js';
import { sharedPlugin } from './shared-plugin.js';

export interface RequestLoggingOptions {
  /**
   * Routes logged at debug level when they succeed in time (probes, scrapes, and high-rate routes
   * such as webhooks). Default: the ops routes.
   */
  readonly quietRoutes?: readonly string[];
  /** A quiet route's request taking at least this long is logged at info all the same; default 1 s. */
  readonly slowRequestMs?: number;
}

type LineLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * A quiet route's 503 is an answer, not a failure: /readyz says "not ready" that way on every probe
 * while starting or shutting down (and fastify answers 503 to any request once closing starts).
 */
const UNAVAILABLE = 503;

function levelOf(status: number, durationMs: number, quiet: boolean, slowMs: number): LineLevel {
  if (status === UNAVAILABLE && quiet) return 'info';
  if (status >= 500) return 'error';
  if (status >= 400) return 'warn';
  // Successes below this duration are logged at debug: the slow threshold on quiet routes, none elsewhere.
  return quiet && durationMs < slowMs ? 'debug' : 'info';
}

/** Requests whose refusal the code that refused them logs itself (rate-limited): see markLoggedElsewhere. */
const loggedElsewhere = new WeakSet<FastifyRequest>();

/**
 * Marks a request that the code answering it logs itself (e.g. a refusal logged at most once a minute
 * per peer): its request line is then written at debug, so a caller repeating it cannot flood the log.
 */
export function markLoggedElsewhere(request: FastifyRequest): void {
  loggedElsewhere.add(request);
}

/** Would this logger write a line at this level? (Loggers without the check write everything.) */
function writes(log: FastifyBaseLogger, level: LineLevel): boolean {
  const check = (log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled;
  return check === undefined || check.call(log, level);
}

/**
 * Writes ONE line per request, when it completes: method, route pattern (for a request no route
 * matched, its path too, at most 512 characters: see loggedPath), status and duration, through
 * the request's child logger (which carries `reqId`): errors at error/warn, quiet routes at debug
 * unless slow (and their 503s, such as /readyz's "not ready", at info), others at info; requests
 * marked by markLoggedElsewhere at debug. Nothing is built when the level is off. Expects fastify's own request
 * lines to be off (a `LogController` with `disableRequestLogging`). For onEveryResponse.
 */
export function requestLogging(options: RequestLoggingOptions = {}): ObserverFactory {
  const quiet = new Set(options.quietRoutes ?? OPS_ROUTES);
  const slowMs = options.slowRequestMs ?? 1000;
  return (route) => {
    const isQuiet = quiet.has(route);
    return (request, reply) => {
      const durationMs = Math.round(reply.elapsedTime * 100) / 100;
      const level = loggedElsewhere.has(request)
        ? 'debug'
        : levelOf(reply.statusCode, durationMs, isQuiet, slowMs);
      if (!writes(request.log, level)) return;
      const line = {
        method: request.method,
        route,
        path: route === UNMATCHED_ROUTE ? loggedPath(request.url) : undefined,
        statusCode: reply.statusCode,
        durationMs,
      };
      request.log[level](line, 'request completed');
    };
  };
}

/** requestLogging as a shared plugin: applies to all routes registered after it. */
export const withRequestLogging = sharedPlugin<RequestLoggingOptions>(async (app, options) => {
  onEveryResponse(app, requestLogging(options));
}, 'corral-request-logging');
