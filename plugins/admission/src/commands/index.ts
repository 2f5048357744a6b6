import type { Command } from './command-io.js';

/**
 * Subcommands for the corral CLI (`@corral/admission/commands`): `corral admission ...` and
 * `corral check -f ... --policies ...`. Each imports its code when it runs: `corral check` loads
 * the decisions without the webhook server and its certificate code (x509).
 */
export const commands: Readonly<{ admission: Command; check: Command }> = {
  admission: async (args, io) => (await import('./run-admission.js')).admissionCommand(args, io),
  check: async (args, io) => (await import('./check.js')).checkCommand(args, io),
};

export type { Command, CommandIo } from './command-io.js';
