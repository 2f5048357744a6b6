import {
  pino,
  type Bindings,
  type ChildLoggerOptions,
  type DestinationStream,
  type Level,
  type Logger,
} from 'pino';

import { redactText } from '@corral/policy';
import { CENSOR, redactSecrets, SECRET_KEYS } from './redaction.js';

type ChildFn = (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) => Logger;
type LogFn = (...args: unknown[]) => void;

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

const TOP_LEVEL_PATHS = [
  ...new Set(SECRET_KEYS.flatMap((key) => [key, key.toLowerCase(), key[0]!.toUpperCase() + key.slice(1)])),
].map((key) => `["${key}"]`);

/**
 * Creates the service's root pino logger: JSON lines, ISO timestamps, textual levels, `err` serialized
 * with its cause chain. No secret is written: the value of every secret key (see `SECRET_KEYS`, any
 * spelling) is redacted in the line, the child bindings and the serialized error with its causes, and
 * secret values inside strings (`Bearer …`, URL user info, `token=…`, cephx keys; see `redactText`)
 * are removed from fields, messages, format arguments, error messages and stacks.
 */
export function createLogger(options: LoggerOptions): Logger {
  return redactChildBindings(
    pino(
      {
        level: options.level,
        name: options.name,
        base: { pid: process.pid, ...options.base },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: {
          level: (label) => ({ level: label }),
          log: (object) => redactSecrets(object),
          // The root's base only (pino resets it for children: see redactChildBindings).
          bindings: (bindings) => redactSecrets(bindings),
        },
        // The serialized error is a plain object whose `cause` chain is walked (a thrown error's `cause`
        // is not enumerable, so the log formatter cannot see a secret on it).
        serializers: { err: (err: Error) => redactSecrets(pino.stdSerializers.errWithCause(err)) },
        // Known spellings censored by pino itself too, before any formatter: a cheap second line.
        redact: { paths: TOP_LEVEL_PATHS, censor: CENSOR },
        hooks: { logMethod: redactArguments },
      },
      options.destination ?? pino.destination({ dest: 1, sync: false }),
    ),
  );
}

/**
 * Removes secret values from a log call's message and format arguments. An error logged without a
 * message gets its (redacted) message as the line's `msg`, which pino would otherwise copy as it is.
 */
function redactArguments(this: Logger, args: unknown[], method: LogFn): void {
  const [first, second] = args;
  if (first instanceof Error && typeof second !== 'string') {
    method.apply(this, [first, redactText(first.message), ...args.slice(1)]);
    return;
  }
  if (first !== null && typeof first === 'object' && !(first instanceof Error)) {
    const message = (first as Record<string, unknown>).msg;
    const err = (first as Record<string, unknown>).err;
    if (typeof second !== 'string' && message === undefined && err instanceof Error) {
      method.apply(this, [first, redactText(err.message), ...args.slice(1)]);
      return;
    }
  }
  method.apply(
    this,
    args.map((arg, index) => (index === 0 && typeof arg === 'object' ? arg : redactFormatArgument(arg))),
  );
}

/**
 * A format argument, redacted. An error there is written as `String(err)` (`%s`), message and all,
 * which redactSecrets cannot reach (the message is not an enumerable key): it becomes that text, redacted.
 */
const redactFormatArgument = (arg: unknown): unknown =>
  arg instanceof Error ? redactText(String(arg)) : redactSecrets(arg);

/**
 * pino applies `formatters.bindings` to the root's base only, and its redact paths only to top-level
 * binding keys: a child's nested bindings would be written as given. Children inherit from the root
 * (`Object.create`), so redacting in the root's `child` covers every descendant.
 */
function redactChildBindings(root: Logger): Logger {
  // Unbound on purpose: called with each descendant as `this`.
  const child = root.child as unknown as ChildFn;
  const redacting: ChildFn = function (this: Logger, bindings, childOptions) {
    return child.call(this, redactSecrets(bindings), childOptions);
  };
  Object.defineProperty(root, 'child', { value: redacting, writable: true, configurable: true });
  return root;
}

/** Request context a boundary attaches to its child logger (request id, uid, kind, pod…). */
export type RequestContext = Readonly<Record<string, string | number | boolean | undefined>>;

/** Given the service logger and a request's context, returns a child logger stamping it on every line. */
export function requestLogger(parent: Logger, context: RequestContext): Logger {
  const defined = Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));
  return parent.child(redactSecrets(defined));
}
