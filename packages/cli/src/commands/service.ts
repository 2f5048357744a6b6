import { EXIT_USAGE, type CliIo, type Command } from '../io.js';
import { parseFlags, type FlagSpec } from './parse-flags.js';

/** Flags every service shares (DESIGN.md "Command line"). */
export const SERVICE_FLAGS: FlagSpec = {
  policies: { type: 'string' },
  kubeconfig: { type: 'string' },
  listen: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  config: { type: 'string' },
  'log-level': { type: 'string' },
};

export interface ServiceStatus {
  readonly built: boolean;
  readonly issue: number;
  readonly name: string;
}

/**
 * A service subcommand whose implementation has not landed yet: it checks its flags like the real
 * one will, then refuses to start with a clear message and exit code 2 rather than pretending to run.
 */
export function pendingService(command: string, status: ServiceStatus, extraFlags: FlagSpec = {}): Command {
  return async (args: readonly string[], io: CliIo) => {
    const parsed = parseFlags(args, { ...SERVICE_FLAGS, ...extraFlags });
    if (!parsed.ok) {
      io.stderr(`corral ${command}: ${parsed.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`corral ${command}: the ${status.name} is not built yet (issue #${status.issue}).\n`);
    return EXIT_USAGE;
  };
}
