/**
 * The runtime kit's error catalogue. Codes are stable: operators grep for them and other packages
 * branch on them. Other packages extend `CorralError` with their own `*_ERR_*` codes.
 */
export const RUNTIME_ERR = {
  CONFIG: 'RUNTIME_ERR_CONFIG',
  LISTEN_ADDRESS: 'RUNTIME_ERR_LISTEN_ADDRESS',
  TLS_KEY_PAIR: 'RUNTIME_ERR_TLS_KEY_PAIR',
  TLS_CLIENT_CA: 'RUNTIME_ERR_TLS_CLIENT_CA',
  SHUTDOWN_TIMEOUT: 'RUNTIME_ERR_SHUTDOWN_TIMEOUT',
  SHUTDOWN_STEP: 'RUNTIME_ERR_SHUTDOWN_STEP',
  CALL_TIMEOUT: 'RUNTIME_ERR_CALL_TIMEOUT',
} as const;

export type RuntimeErrorCode = (typeof RUNTIME_ERR)[keyof typeof RUNTIME_ERR];

export interface CorralErrorOptions {
  readonly cause?: unknown;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Base class of every Corral error: a stable `code`, a readable message, a chained `cause`. */
export class CorralError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: Code, message: string, options: CorralErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

/** Does `err` carry a Corral error code (optionally exactly `code`)? */
export function isCorralError(err: unknown, code?: string): err is CorralError {
  return err instanceof CorralError && (code === undefined || err.code === code);
}

/** Configuration could not be loaded; `problems` lists every problem found, each naming its source. */
export class ConfigError extends CorralError<typeof RUNTIME_ERR.CONFIG> {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options: CorralErrorOptions = {}) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      RUNTIME_ERR.CONFIG,
      `invalid configuration (${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      {
        ...options,
        details: { problems },
      },
    );
    this.problems = Object.freeze([...problems]);
  }
}

/** A listen address or endpoint string is malformed. */
export class ListenAddressError extends CorralError<typeof RUNTIME_ERR.LISTEN_ADDRESS> {
  constructor(message: string, options: CorralErrorOptions = {}) {
    super(RUNTIME_ERR.LISTEN_ADDRESS, message, options);
  }
}

/** A certificate/key pair could not be read or is invalid (unparsable, or key does not match cert). */
export class TlsKeyPairError extends CorralError<typeof RUNTIME_ERR.TLS_KEY_PAIR> {
  constructor(message: string, options: CorralErrorOptions = {}) {
    super(RUNTIME_ERR.TLS_KEY_PAIR, message, options);
  }
}

/** A client CA bundle could not be read or holds no valid PEM certificate. */
export class TlsClientCaError extends CorralError<typeof RUNTIME_ERR.TLS_CLIENT_CA> {
  constructor(message: string, options: CorralErrorOptions = {}) {
    super(RUNTIME_ERR.TLS_CLIENT_CA, message, options);
  }
}

/** Graceful shutdown did not finish within its deadline. */
export class ShutdownTimeoutError extends CorralError<typeof RUNTIME_ERR.SHUTDOWN_TIMEOUT> {
  constructor(timeoutMs: number, pendingStep: string | undefined) {
    super(RUNTIME_ERR.SHUTDOWN_TIMEOUT, `shutdown did not finish within ${timeoutMs} ms`, {
      details: { timeoutMs, pendingStep },
    });
  }
}

/** One shutdown step failed; the remaining steps still run. */
export class ShutdownStepError extends CorralError<typeof RUNTIME_ERR.SHUTDOWN_STEP> {
  constructor(step: string, cause: unknown) {
    super(RUNTIME_ERR.SHUTDOWN_STEP, `shutdown step "${step}" failed`, { cause, details: { step } });
  }
}

/** A Kubernetes API call (a Lease renewal, an Event write) got no answer in time and was given up. */
export class CallTimeoutError extends CorralError<typeof RUNTIME_ERR.CALL_TIMEOUT> {
  constructor(call: string, timeoutMs: number) {
    super(RUNTIME_ERR.CALL_TIMEOUT, `${call} got no answer within ${timeoutMs} ms; gave it up`, {
      details: { call, timeoutMs },
    });
  }
}
