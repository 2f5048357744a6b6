import { ClusterError } from '@corral/cluster';
import { ConfigError, ListenAddressError } from '@corral/runtime';

/** What a subcommand writes to and reads, injected by the `corral` CLI (and by tests). */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * The exit code of a service that could not start (docs/development.md): 2 when its input is at
 * fault (flags, configuration, policy files with problems), as `corral check` and `corral explain`
 * answer them; 1 for any other reason (its port taken, a certificate it cannot read, the API server).
 */
export function startFailureExit(error: unknown): number {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (
      current instanceof ConfigError ||
      current instanceof ListenAddressError ||
      current instanceof ClusterError
    )
      return EXIT_USAGE;
    current = current.cause;
  }
  return EXIT_FAILURE;
}
