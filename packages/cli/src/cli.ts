import { commands as admissionCommands } from '@corral/admission';
import { commands as csiCommands } from '@corral/csi-ceph';
import { commands as extenderCommands } from '@corral/scheduler-extender';
import { demo } from './commands/demo.js';
import { help, USAGE } from './commands/help.js';
import { EXIT_USAGE, type CliIo, type Command } from './io.js';

/** Every subcommand, in one visible place. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  extender: extenderCommands.extender,
  admission: admissionCommands.admission,
  csi: csiCommands.csi,
  check: admissionCommands.check,
  explain: extenderCommands.explain,
  demo,
  help,
};

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') return help(rest, io);
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`corral: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  return command(rest, io);
}
