import type { CliIo } from './csi-command.js';

/**
 * Subcommands for the corral CLI (`@corral/csi-ceph/commands`): `corral csi --role controller|node
 * ...`. The driver's code (gRPC, protobufjs, the Ceph bindings) is imported when the command runs.
 */
export const commands: Readonly<{ csi: (args: readonly string[], io: CliIo) => Promise<number> }> = {
  csi: async (args, io) => (await import('./csi-command.js')).csiCommand(args, io),
};
