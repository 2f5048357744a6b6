import { isAbsolute, resolve } from 'node:path';
import { createInvalidPolicyMetric } from '@corral/cluster';
import {
  closeConnectionsAfterResponse,
  createLogger,
  ListenAddressError,
  onShutdown,
  formatListenAddress,
  listenTcp,
  parseListenAddress,
  type ProcessLike,
  type ShutdownHandle,
  startOrUndo,
} from '@corral/runtime';
import type { KubeConfig } from '@kubernetes/client-node';
import type { DestinationStream, Logger } from 'pino';
import { buildExtender, type BuildExtenderOptions, type Extender } from '../build-extender.js';
import type { ExtenderConfig } from '../config.js';
import { podBinder } from '../effects/bind-pod.js';
import { openExtenderSnapshot, type OpenedSource } from '../effects/open-snapshot.js';
import { loadKubeConfig } from './kube-config.js';

export interface RunOptions {
  /** Signals and exit; tests pass a fake so vitest is never killed. */
  readonly process?: ProcessLike;
  /** Log destination; default stdout. */
  readonly destination?: DestinationStream;
}

export interface RunningExtender {
  readonly extender: Extender;
  /** `host:port` actually bound (port 0 resolved). */
  readonly address: string;
  readonly shutdown: ShutdownHandle;
  /** Resolves with the exit code once shutdown has run. */
  readonly done: Promise<number>;
}

/**
 * Starts the extender: snapshot (files and/or cluster), server, listen, graceful shutdown on SIGTERM
 * (unready, drain delay, close the server so in-flight calls finish, stop the snapshot, exit). A start
 * that fails (its port taken) stops what it had started (informers, server) before it rejects.
 */
export async function runExtender(
  config: ExtenderConfig,
  cwd: string,
  options: RunOptions = {},
): Promise<RunningExtender> {
  const logger = createLogger({
    level: config.logLevel,
    name: 'extender',
    ...(options.destination ? { destination: options.destination } : {}),
  });
  // loadExtenderConfig rejects these already; a config built otherwise (tests) gets the same words.
  const listen = parseListenAddress(config.listen, { allow: ['tcp'] });
  if (!listen.ok) throw new ListenAddressError(`--listen: ${listen.error}`);
  if (listen.value.kind !== 'tcp') throw new ListenAddressError('--listen: expected HOST:PORT');
  const { host, port } = listen.value;
  const kubeConfig = kubeConfigOf(config, cwd);
  return startOrUndo(logger, async (started) => {
    // The snapshot reports its sync state from the start: record it until the extender exists.
    const seen: [string, boolean, string | undefined][] = [];
    let report = (condition: string, ok: boolean, reason?: string): void =>
      void seen.push([condition, ok, reason]);
    const opened = started.add(
      'cluster snapshot',
      await openExtenderSnapshot({
        ...(config.policies === undefined ? {} : { policies: absolute(cwd, config.policies) }),
        ...(kubeConfig ? { kubeConfig } : {}),
        logger,
        gpuResources: config.gpuResources,
        systemNamespaces: config.systemNamespaces,
        readiness: (condition, ok, reason) => report(condition, ok, reason),
      }),
      (source) => source.stop(),
    );
    const extender = started.add(
      'http server',
      buildExtender(extenderOptions(config, cwd, opened, logger, kubeConfig)),
      (built) => built.close(),
    );
    createInvalidPolicyMetric(extender.metrics.registry, opened.snapshot);
    report = (condition, ok, reason) => extender.sync.set(condition, ok, reason);
    for (const [condition, ok, reason] of seen) report(condition, ok, reason);
    const address = formatListenAddress({ kind: 'tcp', ...(await listenTcp(extender.app, host, port)) });
    logger.info({ address, bind: config.bind, cluster: kubeConfig !== undefined }, 'extender listening');
    return {
      extender,
      address,
      ...installShutdown(config, extender, opened, logger, options.process ?? process),
    };
  });
}

function extenderOptions(
  config: ExtenderConfig,
  cwd: string,
  opened: OpenedSource,
  logger: Logger,
  kubeConfig: KubeConfig | undefined,
): BuildExtenderOptions {
  const { cert, key, clientCa, clientName } = config.tls;
  const https = cert && key ? { certFile: absolute(cwd, cert), keyFile: absolute(cwd, key) } : undefined;
  return {
    snapshot: opened.snapshot,
    logger,
    systemNamespaces: config.systemNamespaces,
    gpuResources: config.gpuResources,
    bodyLimitBytes: config.bodyLimitBytes,
    maxConnections: config.maxConnections,
    assumeTtlMs: config.assumeTtlMs,
    ...(config.bind && kubeConfig ? { binder: podBinder(kubeConfig) } : {}),
    ...(https ? { https: clientCa ? { ...https, clientCaFile: absolute(cwd, clientCa) } : https } : {}),
    ...(clientName === undefined ? {} : { clientName }),
  };
}

function installShutdown(
  config: ExtenderConfig,
  extender: Extender,
  opened: OpenedSource,
  logger: Logger,
  proc: ProcessLike,
): { shutdown: ShutdownHandle; done: Promise<number> } {
  const shutdown = onShutdown({
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    drainDelayMs: config.drainDelayMs,
    readiness: extender.readiness,
    // kube-scheduler keeps calling a terminating replica on the connections it holds: told to close
    // them, it opens the next ones to the replica that stays.
    onDrain: () => closeConnectionsAfterResponse(extender.app.server),
    steps: [
      { name: 'http server', run: () => extender.close() },
      { name: 'cluster snapshot', run: () => opened.stop() },
    ],
    process: proc,
  });
  return { shutdown, done: shutdown.done };
}

function kubeConfigOf(config: ExtenderConfig, cwd: string): KubeConfig | undefined {
  if (config.inCluster) return loadKubeConfig('in-cluster');
  return config.kubeconfig === undefined ? undefined : loadKubeConfig(absolute(cwd, config.kubeconfig));
}

function absolute(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
