/**
 * `corral csi --role controller|node --endpoint unix:///path.sock --cluster-config F [--keyring F]
 * [--policies P | --kubeconfig K] [--node-id N] [--listen HOST:PORT]`: runs the driver until SIGTERM
 * (unready, stop accepting calls, let running ones finish, close Ceph connections, exit). `-h`/`--help`
 * prints the flags and starts nothing. Exits 2 for bad flags or policy files, 1 when it cannot start
 * otherwise (its port taken), having stopped what it had started.
 */
import { isAbsolute, resolve } from 'node:path';
import { ClusterError } from '@corral/cluster';
import {
  ConfigError,
  createLogger,
  describeStartFailure,
  isHelpRequest,
  onShutdown,
  startFailureExit,
  type Logger,
  type LogLevel,
  type ProcessLike,
  type ShutdownHandle,
} from '@corral/runtime';
import type { DestinationStream } from 'pino';
import { csiHelp, loadCsiConfig, type CsiConfig } from '../config.js';
import { startDriver, type RunningDriver } from '../start-driver.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface CsiRunOptions {
  /** Signals and exit; tests pass a fake so vitest is never killed. */
  readonly process?: ProcessLike;
  readonly destination?: DestinationStream;
  /** Told once the driver serves (tests). */
  readonly onServing?: (stop: () => Promise<number>) => void;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function absolutePaths(config: CsiConfig, cwd: string): CsiConfig {
  const abs = (p: string | undefined) =>
    p === undefined || isAbsolute(p) || p === 'in-cluster' ? p : resolve(cwd, p);
  const fix = (key: 'policies' | 'kubeconfig' | 'keyring' | 'cephConf') => {
    const value = abs(config[key]);
    return value === undefined ? {} : { [key]: value };
  };
  return {
    ...config,
    clusterConfig: abs(config.clusterConfig) ?? config.clusterConfig,
    ...fix('policies'),
    ...fix('kubeconfig'),
    ...fix('keyring'),
    ...fix('cephConf'),
  };
}

export async function csiCommand(
  args: readonly string[],
  io: CliIo,
  options: CsiRunOptions = {},
): Promise<number> {
  if (isHelpRequest(args)) {
    io.stdout(csiHelp());
    return EXIT_OK;
  }
  let config: CsiConfig;
  try {
    config = absolutePaths(loadCsiConfig(args, io.env), io.cwd);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`corral csi: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const logger = createLogger({
    level: config.logLevel as LogLevel,
    name: `csi-${config.role}`,
    ...(options.destination ? { destination: options.destination } : {}),
  });
  try {
    const driver = await startDriver({ config, logger });
    io.stderr(`corral csi: ${config.role} serving on ${config.endpoint}\n`);
    const handle = await shutdownOf(driver, config, logger, options.process ?? process);
    options.onServing?.(() => handle.shutdown('test'));
    return await handle.done;
  } catch (error) {
    io.stderr(`corral csi: cannot start: ${describeStartFailure(error)}\n`);
    return startFailureExit(error, [ClusterError]);
  }
}

/**
 * Installs the graceful shutdown of a started driver; if that throws (a shutdown setting it refuses),
 * stops the driver first, so that a failed start leaves no server or watch running.
 */
async function shutdownOf(
  driver: RunningDriver,
  config: CsiConfig,
  logger: Logger,
  proc: ProcessLike,
): Promise<ShutdownHandle> {
  try {
    return onShutdown({
      logger,
      timeoutMs: config.shutdownTimeoutMs,
      steps: [{ name: 'csi driver', run: () => driver.stop() }],
      process: proc,
    });
  } catch (error) {
    await driver
      .stop()
      .catch((err: unknown) => logger.error({ err }, 'failed start: stopping the driver failed'));
    throw error;
  }
}
