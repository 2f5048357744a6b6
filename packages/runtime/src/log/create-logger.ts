import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { CENSOR, redactSecrets, SECRET_KEYS } from './redaction.js';

export type { Logger } from 'pino';
export type LogLevel = Level | 'silent';

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Service name, written as `name` on every line. */
  readonly name: string;
  /** Where JSON lines go; default stdout. Tests pass an in-memory stream. */
  readonly destination?: DestinationStream;
  /** Extra fields on every line. */
  readonly base?: Readonly<Record<string, unknown>>;
}

/**
 * Creates the service's root pino logger: JSON lines, ISO timestamps, textual levels, `err` serialized
 * with its cause chain, and every secret key (see `SECRET_KEYS`) redacted at any depth.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      name: options.name,
      base: { pid: process.pid, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactSecrets(object),
      },
      serializers: { err: pino.stdSerializers.errWithCause },
      // Child bindings bypass formatters.log: their top-level secret keys are censored here.
      redact: { paths: [...SECRET_KEYS].map((key) => `["${key}"]`), censor: CENSOR },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** Request context a boundary attaches to its child logger (request id, uid, kind, pod…). */
export type RequestContext = Readonly<Record<string, string | number | boolean | undefined>>;

/** Given the service logger and a request's context, returns a child logger stamping it on every line. */
export function requestLogger(parent: Logger, context: RequestContext): Logger {
  const defined = Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));
  return parent.child(redactSecrets(defined));
}
