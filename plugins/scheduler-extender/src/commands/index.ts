import type { CliIo } from './cli-io.js';

/**
 * The subcommands this plugin gives the `corral` CLI (`@corral/scheduler-extender/commands`). Each
 * imports its code when it runs: `corral extender` loads the server without explain's code,
 * `corral explain` the decisions without the extender's server and binder.
 */
export const commands: Readonly<
  Record<'extender' | 'explain', (args: readonly string[], io: CliIo) => Promise<number>>
> = {
  extender: async (args, io) => (await import('./extender-command.js')).extenderCommand(args, io),
  explain: async (args, io) => (await import('./explain-command.js')).explainCommand(args, io),
};

export type { CliIo } from './cli-io.js';
