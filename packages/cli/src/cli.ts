import { help, USAGE } from './commands/help.js';
import { describeUnexpected } from './failure.js';
import { EXIT_USAGE, type CliIo, type Command } from './io.js';

/** A command whose code is imported when it first runs. */
function lazy(load: () => Promise<Command>): Command {
  return async (args, io) => (await load())(args, io);
}

/**
 * Every subcommand, in one visible place. A service's code is imported only when its command runs, so
 * a process holds one service: `corral extender` (the deployed extender) never loads the admission
 * webhooks or the CSI driver, nor gRPC, protobufjs, x509 or fast-json-patch (docs/benchmarks.md).
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
  extender: lazy(async () => (await import('@corral/scheduler-extender/commands')).commands.extender),
  admission: lazy(async () => (await import('@corral/admission/commands')).commands.admission),
  csi: lazy(async () => (await import('@corral/csi-ceph/commands')).commands.csi),
  check: lazy(async () => (await import('@corral/admission/commands')).commands.check),
  explain: lazy(async () => (await import('@corral/scheduler-extender/commands')).commands.explain),
  demo: lazy(async () => (await import('./commands/demo.js')).demo),
  help,
};

export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: Readonly<Record<string, Command>> = COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') return help(rest, io);
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    io.stderr(`corral: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    // A failure no command turned into a message: one line, and never 1, which means a finding.
    io.stderr(describeUnexpected(name, error, io.env));
    return EXIT_USAGE;
  }
}
