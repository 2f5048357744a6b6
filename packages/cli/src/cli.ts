import { readFile } from 'node:fs/promises';
import { help, USAGE } from './commands/help.js';
import { describeUnexpected } from './failure.js';
import { EXIT_OK, EXIT_USAGE, type CliIo, type Command } from './io.js';

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

/** The version of the `corral` command: its package's, read when asked (`corral --version`). */
async function version(io: CliIo): Promise<number> {
  const text = await readFile(new URL('../package.json', import.meta.url), 'utf8');
  io.stdout(`corral ${String((JSON.parse(text) as { version?: unknown }).version)}\n`);
  return EXIT_OK;
}

/** `corral help check` is `corral check --help`, as with git and kubectl; `corral help` the usage. */
function helpFor(args: readonly string[]): readonly string[] | undefined {
  const [name, ...rest] = args;
  return name === 'help' && rest.length > 0 && rest[0] !== 'help' ? [rest[0] as string, '--help'] : undefined;
}

export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: Readonly<Record<string, Command>> = COMMANDS,
): Promise<number> {
  const [name, ...rest] = helpFor(argv) ?? argv;
  if (name === undefined || name === '--help' || name === '-h') return help(rest, io);
  if (name === '--version') return version(io);
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
