export { runCli, COMMANDS } from './cli.js';
export type { CliIo, Command } from './io.js';
