import { createInvalidPolicyMetric } from '@corral/cluster';
import {
  closeConnectionsAfterResponse,
  createLogger,
  createMetrics,
  createReadiness,
  isHelpRequest,
  onShutdown,
  parseListenAddress,
  type Logger,
  type Metrics,
  type ProcessLike,
  type Readiness,
  type Clock,
} from '@corral/runtime';
import { admissionHelp, loadAdmissionConfig, type AdmissionConfig } from '../config.js';
import { startLedPolicyStatusWriter } from '../effects/policy-status-writer.js';
import { startAdmissionEvents } from '../effects/events.js';
import { LeaseReservationStore } from '../effects/lease-reservation-store.js';
import { loadKubeConfig, openPolicies } from '../effects/open-policies.js';
import { prepareWebhookCertificates } from '../effects/tls/start-webhook-certificates.js';
import { buildAdmissionServer } from '../transport/admission-server.js';
import type { CommandIo } from './command-io.js';
import { describeFailure } from './command-io.js';

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

/** The snapshot and, with a cluster, the Lease-backed reservation store shared by the replicas. */
async function openSources(config: AdmissionConfig, logger: Logger, readiness: Readiness, metrics: Metrics) {
  const kubeConfig = await loadKubeConfig({
    ...(config.kubeconfig ? { kubeconfig: config.kubeconfig } : {}),
    inCluster: config.inCluster,
  });
  // With a cluster, replicas share quota reservations through Leases (docs/adr/0009).
  const reservationStore =
    kubeConfig && config.sharedQuota
      ? await LeaseReservationStore.fromKubeConfig(kubeConfig, config.leaseNamespace)
      : undefined;
  const opened = await openPolicies({
    ...(config.policies ? { policies: config.policies } : {}),
    ...(kubeConfig ? { kubeConfig } : {}),
    gpuResources: config.gpuResources,
    logger,
    readiness: (condition, ok, reason) => readiness.set(condition, ok, reason),
  });
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
      ? await startLedPolicyStatusWriter({
          kubeConfig,
          snapshot: opened.snapshot,
          synced: () => opened.synced(),
          logger,
          lease: { name: config.statusLease, namespace: config.leaseNamespace },
          registry: metrics.registry,
        })
      : undefined;
  // With a cluster, Kubernetes Events where they help tenants (decide/events.ts).
  const events =
    kubeConfig && config.events
      ? await startAdmissionEvents({ kubeConfig, logger, registry: metrics.registry })
      : undefined;
  // Namespaces come from the cluster: an unknown one is one the watch has not delivered yet.
  const namespaceWaitMs = kubeConfig ? NAMESPACE_WAIT_MS : 0;
  return { opened, reservationStore, statusWriter, events, namespaceWaitMs };
}

/**
 * Starts the admission service: config, logger, snapshot (files or cluster), HTTPS server, graceful
 * shutdown on SIGTERM (unready, drain, close the server letting in-flight reviews finish, stop watches).
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
  const readiness = createReadiness(['policies']);
  // With --tls-bootstrap-secret: not ready until the Secret's pair is served (docs/adr/0015).
  const certificateBootstrap = await prepareWebhookCertificates(config, logger, readiness);
  const metrics = createMetrics({ service: 'admission' });
  const { opened, reservationStore, statusWriter, events, namespaceWaitMs } = await openSources(
    config,
    logger,
    readiness,
    metrics,
  );
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
    reservationTtlMs: config.reservationTtlSeconds * 1000,
    namespaceWaitMs,
    ...(reservationStore ? { reservationStore } : {}),
    ...(events ? { onAnswer: events.onAnswer } : {}),
    ...(config.tls.cert && config.tls.key
      ? { https: { certFile: config.tls.cert, keyFile: config.tls.key } }
      : {}),
  });
  const listen = parseListenAddress(config.listen, { allow: ['tcp'] });
  if (!listen.ok || listen.value.kind !== 'tcp') throw new Error(listen.ok ? 'tcp only' : listen.error);
  await app.listen({ host: listen.value.host, port: listen.value.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : listen.value.port;
  const url = `${config.tls.cert ? 'https' : 'http'}://${listen.value.host}:${port}`;
  const certificates = await certificateBootstrap?.start({
    host: listen.value.host,
    port,
    registry: metrics.registry,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  logger.info({ url }, 'admission webhooks listening');
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));
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
    process: {
      on: (signal, listener) => (options.process ?? process).on(signal, listener),
      off: (signal, listener) => (options.process ?? process).off(signal, listener),
      exit: (code) => {
        finish(code);
        if (options.process) options.process.exit(code);
      },
    },
  });
  return { url, stop: () => shutdown.shutdown('stop'), done };
}

/** `corral admission`: runs until SIGTERM; exit 2 on bad configuration; `--help` prints the flags. */
export async function admissionCommand(args: readonly string[], io: CommandIo): Promise<number> {
  if (isHelpRequest(args)) {
    io.stdout(admissionHelp());
    return 0;
  }
  try {
    const running = await startAdmission(args, io);
    return await running.done;
  } catch (err) {
    io.stderr(`corral admission: ${describeFailure(err)}\n`);
    return 2;
  }
}
