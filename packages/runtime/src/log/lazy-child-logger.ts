import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, LevelWithSilentOrString, Logger } from 'pino';

type LogMethod = (...args: unknown[]) => void;

/**
 * A child logger that becomes a real pino child only when it first writes a line (or is asked for its
 * own child, or a level of its own). fastify gives every request a child logger carrying its request
 * id; most requests never log, and a pino child per request (bindings serialized, redaction set up)
 * costs more than a small request's own work. Lines, bindings and redaction are exactly pino's.
 */
export class LazyChildLogger implements FastifyBaseLogger {
  #child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly childBindings: Bindings,
  ) {}

  /** The real pino child, created on first use. */
  logger(): Logger {
    this.#child ??= this.parent.child(this.childBindings);
    return this.#child;
  }

  /** Has a real child been created (i.e. did anything use it)? */
  get materialized(): boolean {
    return this.#child !== undefined;
  }

  get level(): LevelWithSilentOrString {
    return (this.#child ?? this.parent).level;
  }

  set level(level: LevelWithSilentOrString) {
    this.logger().level = level;
  }

  isLevelEnabled(level: LevelWithSilentOrString): boolean {
    return (this.#child ?? this.parent).isLevelEnabled(level);
  }

  bindings(): Bindings {
    return this.logger().bindings();
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.logger().child(bindings, options);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  private write(level: Level, args: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    const logger = this.logger();
    (logger[level] as LogMethod).apply(logger, args);
  }
}

const isEmpty = (options: object): boolean => {
  for (const key in options) if (Object.hasOwn(options, key)) return false;
  return true;
};

/**
 * Given a parent logger, a child's bindings and options, returns a lazy child (see LazyChildLogger);
 * options (a level or serializers of its own, as a route's `logLevel` gives) make a real child at once.
 * The signature of fastify's `childLoggerFactory`.
 */
export function lazyChildLogger(
  parent: Logger,
  bindings: Bindings,
  options?: ChildLoggerOptions,
): FastifyBaseLogger {
  if (options !== undefined && !isEmpty(options)) return parent.child(bindings, options);
  return new LazyChildLogger(parent, bindings);
}
