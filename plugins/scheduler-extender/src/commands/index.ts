import type { CliIo } from './cli-io.js';
import { explainCommand } from './explain-command.js';
import { extenderCommand } from './extender-command.js';

/** The subcommands this plugin gives the `corral` CLI. */
export const commands: Readonly<
  Record<'extender' | 'explain', (args: readonly string[], io: CliIo) => Promise<number>>
> = {
  extender: (args, io) => extenderCommand(args, io),
  explain: explainCommand,
};

export { explainCommand, extenderCommand };
export { runExtender, type RunningExtender, type RunOptions } from './run-extender.js';
export type { CliIo } from './cli-io.js';
