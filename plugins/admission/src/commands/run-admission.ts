import { ClusterError, createInvalidPolicyMetric } from '@corral/cluster';
import {
  closeConnectionsAfterResponse,
  ConfigError,
  createLogger,
  createMetrics,
  createReadiness,
  describeStartFailure,
  isHelpRequest,
  ListenAddressError,
  onShutdown,
  formatListenAddress,
  listenTcp,
  parseListenAddress,
  startFailureExit,
  startOrUndo,
  type Logger,
  type Metrics,
  type ProcessLike,
  type Readiness,
  type Clock,
  type StartedParts,
} from '@corral/runtime';
import { admissionHelp, loadAdmissionConfig, type AdmissionConfig } from '../config.js';
import { startLedPolicyStatusWriter } from '../effects/policy-status-writer.js';
import { startAdmissionEvents } from '../effects/events.js';
import { LeaseReservationStore } from '../effects/lease-reservation-store.js';
import { loadKubeConfig, openPolicies } from '../effects/open-policies.js';
import { prepareWebhookCertificates } from '../effects/tls/start-webhook-certificates.js';
import { buildAdmissionServer } from '../transport/admission-server.js';
import type { CommandIo } from './command-io.js';

export interface RunningAdmission {
  /** Where it listens, e.g. https://127.0.0.1:8443. */
  readonly url: string;
  /** Runs the graceful shutdown (as SIGTERM would); resolves to the exit code. */
  stop(): Promise<number>;
  /** Resolves when the service has shut down. */
  readonly done: Promise<number>;
}

/**
 * How long a review waits for a namespace the watch has not delivered yet (well within the webhook
 * deadline: the default timeoutSeconds is 10).
 */
const NAMESPACE_WAIT_MS = 2000;

export interface StartOptions {
  /** Replaces `process` for signals and exit (tests). */
  readonly process?: ProcessLike;
  readonly logDestination?: NodeJS.WritableStream;
  /** Replaces the clock of the certificate bootstrap (tests). */
  readonly clock?: Clock;
}

/**
 * The snapshot and, with a cluster, the Lease-backed reservation store shared by the replicas, the
 * policy status writer and the Events recorder, each recorded in `started` as it starts.
 */
async function openSources(
  config: AdmissionConfig,
  logger: Logger,
  readiness: Readiness,
  metrics: Metrics,
  started: StartedParts,
) {
  const kubeConfig = await loadKubeConfig({
    ...(config.kubeconfig ? { kubeconfig: config.kubeconfig } : {}),
    inCluster: config.inCluster,
  });
  // With a cluster, replicas share quota reservations through Leases (docs/adr/0009).
  const reservationStore =
    kubeConfig && config.sharedQuota
      ? await LeaseReservationStore.fromKubeConfig(kubeConfig, config.leaseNamespace)
      : undefined;
  const opened = started.add(
    'policy sources',
    await openPolicies({
      ...(config.policies ? { policies: config.policies } : {}),
      ...(kubeConfig ? { kubeConfig } : {}),
      gpuResources: config.gpuResources,
      systemNamespaces: config.systemNamespaces,
      logger,
      readiness: (condition, ok, reason) => readiness.set(condition, ok, reason),
    }),
    (sources) => sources.stop(),
  );
  createInvalidPolicyMetric(metrics.registry, opened.snapshot);
  // With a cluster, keep Department and NamespacePolicy status current: only the replica holding the
  // status-writer Lease writes (docs/adr/0016). Not when the policies come from --policies files: the
  // snapshot would never show the written status, and the files are not the cluster's objects.
  const writeStatus = kubeConfig !== undefined && config.departmentStatus;
  if (writeStatus && config.policies) {
    logger.info(
      { policies: config.policies },
      'policy status not written: Departments and NamespacePolicies come from --policies files, not from the cluster',
    );
  }
  const statusWriter =
    kubeConfig && writeStatus && !config.policies
      ? started.add(
          'department status',
          await startLedPolicyStatusWriter({
            kubeConfig,
            snapshot: opened.snapshot,
            synced: () => opened.synced(),
            logger,
            lease: { name: config.statusLease, namespace: config.leaseNamespace },
            registry: metrics.registry,
          }),
          (writer) => writer.stop(),
        )
      : undefined;
  // With a cluster, Kubernetes Events where they help tenants (decide/events.ts).
  const events =
    kubeConfig && config.events
      ? started.add(
          'kubernetes events',
          await startAdmissionEvents({ kubeConfig, logger, registry: metrics.registry }),
          (recorder) => recorder.stop(),
        )
      : undefined;
  // Namespaces come from the cluster: an unknown one is one the watch has not delivered yet.
  const namespaceWaitMs = kubeConfig ? NAMESPACE_WAIT_MS : 0;
  return { opened, reservationStore, statusWriter, events, namespaceWaitMs };
}

/** Logged at start without --tls-cert/--tls-key: kube-apiserver calls admission webhooks over HTTPS only. */
export const PLAIN_HTTP_WARNING =
  'serving plain HTTP (no --tls-cert and --tls-key): kube-apiserver calls admission webhooks over ' +
  'HTTPS only and cannot call this service; plain HTTP is for local tests';

/**
 * Starts the admission service: config, logger, snapshot (files or cluster), HTTPS server, graceful
 * shutdown on SIGTERM (unready, drain, close the server letting in-flight reviews finish, stop watches).
 * A start that fails (its port taken) stops what it had started (watches, leader election, Events,
 * server) before it rejects. Without --tls-cert/--tls-key it serves plain HTTP, with a warning.
 */
export async function startAdmission(
  args: readonly string[],
  io: CommandIo,
  options: StartOptions = {},
): Promise<RunningAdmission> {
  const config = loadAdmissionConfig(args, io.env);
  const logger = createLogger({
    level: config.logLevel,
    name: 'corral-admission',
    ...(options.logDestination ? { destination: options.logDestination as never } : {}),
  });
  // loadAdmissionConfig has refused any other address already.
  const listen = parseListenAddress(config.listen, { allow: ['tcp'] });
  if (!listen.ok) throw new ListenAddressError(`--listen: ${listen.error}`);
  if (listen.value.kind !== 'tcp') throw new ListenAddressError('--listen: expected HOST:PORT');
  const { host, port } = listen.value;
  return startOrUndo(logger, (started) => serve(config, logger, { host, port }, started, options));
}

/**
 * The server's TLS options: the serving pair and, with --tls-client-ca, the client CA (reloaded as
 * the pair is) and --tls-client-name that /mutate and /validate require of their caller.
 */
function httpsOptions(tls: AdmissionConfig['tls']) {
  if (!tls.cert || !tls.key) return {};
  const pair = { certFile: tls.cert, keyFile: tls.key };
  return {
    https: tls.clientCa === undefined ? pair : { ...pair, clientCaFile: tls.clientCa },
    ...(tls.clientName === undefined ? {} : { clientName: tls.clientName }),
  };
}

/** startAdmission once the config is read: everything it starts is recorded in `started`. */
async function serve(
  config: AdmissionConfig,
  logger: Logger,
  listen: { readonly host: string; readonly port: number },
  started: StartedParts,
  options: StartOptions,
): Promise<RunningAdmission> {
  const readiness = createReadiness(['policies']);
  // With --tls-bootstrap-secret: not ready until the Secret's pair is served (docs/adr/0015).
  const certificateBootstrap = await prepareWebhookCertificates(config, logger, readiness);
  const metrics = createMetrics({ service: 'admission' });
  const sources = await openSources(config, logger, readiness, metrics, started);
  const { opened, reservationStore, statusWriter, events, namespaceWaitMs } = sources;
  readiness.set('policies', true);
  const { app } = buildAdmissionServer({
    snapshot: opened.snapshot,
    settings: {
      systemNamespaces: config.systemNamespaces,
      gpuResources: config.gpuResources,
      schedulerName: config.schedulerName,
      departmentEditors: config.departmentEditors,
    },
    logger,
    metrics,
    readiness: readiness.report,
    deadlineMs: config.deadlineMs,
    maxConnections: config.maxConnections,
    reservationTtlMs: config.reservationTtlSeconds * 1000,
    namespaceWaitMs,
    ...(reservationStore ? { reservationStore } : {}),
    ...(events ? { onAnswer: events.onAnswer } : {}),
    ...httpsOptions(config.tls),
  });
  started.add('https server', app, (server) => server.close());
  const bound = await listenTcp(app, listen.host, listen.port);
  const url = `${config.tls.cert ? 'https' : 'http'}://${formatListenAddress({ kind: 'tcp', ...bound })}`;
  const certificates = await certificateBootstrap?.start({
    host: bound.host,
    port: bound.port,
    registry: metrics.registry,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  if (certificates) started.add('webhook certificates', certificates, (running) => running.stop());
  logger.info({ url }, 'admission webhooks listening');
  if (!config.tls.cert) logger.warn({ url }, PLAIN_HTTP_WARNING);
  const shutdown = onShutdown({
    logger,
    readiness,
    timeoutMs: config.shutdownTimeoutMs,
    drainDelayMs: config.drainDelayMs,
    // kube-apiserver keeps calling a terminating pod on the connections it holds: told to close them,
    // it opens the next ones to the replicas that stay.
    onDrain: () => closeConnectionsAfterResponse(app.server),
    steps: [
      { name: 'https server', run: () => app.close() },
      { name: 'webhook certificates', run: () => certificates?.stop() },
      { name: 'kubernetes events', run: () => events?.stop() },
      { name: 'department status', run: () => statusWriter?.stop() },
      { name: 'policy sources', run: () => opened.stop() },
    ],
    process: options.process ?? process,
  });
  return { url, stop: () => shutdown.shutdown('stop'), done: shutdown.done };
}

/**
 * `corral admission`: runs until SIGTERM; `--help` prints the flags. Exits 2 for bad flags or policy
 * files, 1 when it cannot start otherwise (its port taken), having stopped what it had started.
 */
export async function admissionCommand(args: readonly string[], io: CommandIo): Promise<number> {
  if (isHelpRequest(args)) {
    io.stdout(admissionHelp());
    return 0;
  }
  try {
    const running = await startAdmission(args, io);
    return await running.done;
  } catch (err) {
    io.stderr(
      err instanceof ConfigError
        ? `corral admission: ${err.message}\n`
        : `corral admission: cannot start: ${describeStartFailure(err)}\n`,
    );
    return startFailureExit(err, [ClusterError]);
  }
}
