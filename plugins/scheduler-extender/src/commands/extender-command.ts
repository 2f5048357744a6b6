import { ClusterError } from '@corral/cluster';
import { ConfigError, describeStartFailure, isHelpRequest, startFailureExit } from '@corral/runtime';
import { extenderHelp, loadExtenderConfig } from '../config.js';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './cli-io.js';
import { runExtender, type RunOptions } from './run-extender.js';

/**
 * `corral extender [--policies PATH | --kubeconfig PATH] [--listen HOST:PORT] [--bind] ...`: runs the
 * service until SIGTERM; resolves with the exit code (a real process exits before that). `-h`/`--help`
 * prints the flags and starts nothing. Exits 2 for bad flags or policy files, 1 when it cannot start
 * otherwise (its port taken), having stopped what it had started.
 */
export async function extenderCommand(
  args: readonly string[],
  io: CliIo,
  options: RunOptions = {},
): Promise<number> {
  if (isHelpRequest(args)) {
    io.stdout(extenderHelp());
    return EXIT_OK;
  }
  let config;
  try {
    config = loadExtenderConfig(args, io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`corral extender: ${error.message}\n`);
    return EXIT_USAGE;
  }
  try {
    const running = await runExtender(config, io.cwd, options);
    io.stderr(`corral extender: listening on ${running.address}\n`);
    return await running.done;
  } catch (error) {
    io.stderr(`corral extender: cannot start: ${describeStartFailure(error)}\n`);
    return startFailureExit(error, [ClusterError]);
  }
}
