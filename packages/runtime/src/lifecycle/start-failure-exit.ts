import { ConfigError, ListenAddressError } from '../errors.js';

/** A class of error whose instances mean the service's input is at fault. */
export type InputErrorClass = abstract new (...args: never[]) => Error;

/**
 * The exit code of a service that could not start (docs/development.md): 2 when its input is at
 * fault (flags, configuration: a ConfigError or ListenAddressError, or one of `inputErrors`, e.g. a
 * policy-file problem), as `corral check` answers bad input; 1 for any other reason (a port or socket
 * taken, a certificate or keyring it cannot read, the API server). The error's `cause` chain is
 * followed a few links down, since start-up steps wrap what failed.
 */
export function startFailureExit(error: unknown, inputErrors: readonly InputErrorClass[] = []): number {
  const classes: readonly InputErrorClass[] = [ConfigError, ListenAddressError, ...inputErrors];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const failed = current;
    if (classes.some((input) => failed instanceof input)) return 2;
    current = failed.cause;
  }
  return 1;
}
