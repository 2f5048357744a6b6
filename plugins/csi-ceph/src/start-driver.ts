/**
 * The composition root: from a loaded config, builds the Ceph connection pool, the tenant view (when
 * policies or a cluster are given), the handlers of the role, the gRPC server on the unix socket and
 * the ops server (/healthz /readyz /metrics). Returns a handle whose `stop()` drains and closes all.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { createInvalidPolicyMetric, openSnapshot, type OpenedSnapshot } from '@corral/cluster';
import type { Registry } from 'prom-client';
import {
  createMetrics,
  createReadiness,
  startOpsServer,
  startOrUndo,
  type Logger,
  type OpsServer,
  type Readiness,
  type StartedParts,
} from '@corral/runtime';
import { grpcGraceMs, socketPath, type CsiConfig } from './config.js';
import type { ClusterEntry } from './decide/cluster-config.js';
import type { Credentials } from './decide/credentials.js';
import { tenantViewOf } from './decide/tenant-view.js';
import { cephProbe } from './effects/ceph/ceph-probe.js';
import { ConnectionPool } from './effects/ceph/connection-pool.js';
import { ffi } from './effects/ceph/ffi.js';
import { mounterNamed } from './effects/node/mounters.js';
import { canGrowMountedExt4 } from './effects/node/process-capabilities.js';
import { readClusterConfig, readKeyring } from './effects/read-inputs.js';
import { readNodeLabels } from './effects/read-node-labels.js';
import { topologySegments } from './decide/topology.js';
import { controllerHandlers } from './transport/controller/controller-service.js';
import type { ControllerDeps } from './transport/controller/controller-deps.js';
import { createCsiMetrics } from './transport/csi-metrics.js';
import { startGrpcServer, type CsiGrpcServer } from './transport/grpc-server.js';
import { identityHandlers } from './transport/identity-service.js';
import { nodeHandlers } from './transport/node/node-service.js';
import { OperationLocks } from './transport/operation-locks.js';
import { BackgroundJobs } from './transport/background-jobs.js';
import { FlattenRetries } from './transport/flatten-retries.js';
import { startFlattenResume } from './transport/controller/flatten-resume.js';

export interface DriverOptions {
  readonly config: CsiConfig;
  readonly logger: Logger;
  /** Skip the ops HTTP server (tests that only need gRPC). */
  readonly withoutOps?: boolean;
}

export interface RunningDriver {
  readonly grpc: CsiGrpcServer;
  readonly ops?: OpsServer;
  readonly pool: ConnectionPool;
  stop(): Promise<void>;
}

function kubeConfigOf(config: CsiConfig): KubeConfig | undefined {
  if (!config.kubeconfig) return undefined;
  const kubeConfig = new KubeConfig();
  if (config.kubeconfig === 'in-cluster') kubeConfig.loadFromCluster();
  else kubeConfig.loadFromFile(config.kubeconfig);
  return kubeConfig;
}

/** The node's topology segments, from its labels read once at start; none when no keys are configured. */
async function nodeTopology(config: CsiConfig): Promise<Record<string, string>> {
  const kubeConfig = kubeConfigOf(config);
  if (config.topologyLabels.length === 0 || !kubeConfig || !config.nodeId) return {};
  return topologySegments(await readNodeLabels(kubeConfig, config.nodeId), config.topologyLabels);
}

/** The policy snapshot (controller), with its gauge of refused policy objects in `registry`. */
async function openTenants(
  config: CsiConfig,
  logger: Logger,
  readiness: Readiness,
  registry: Registry,
): Promise<OpenedSnapshot | undefined> {
  if (!config.policies && !config.kubeconfig) return undefined;
  const kubeConfig = kubeConfigOf(config);
  const opened = await openSnapshot({
    logger,
    // /readyz stays false until the policy files or informers have synced.
    readiness: (condition, ok, reason) => readiness.set(condition, ok, reason),
    ...(config.policies ? { policies: config.policies } : {}),
    ...(kubeConfig ? { kubeConfig } : {}),
  });
  createInvalidPolicyMetric(registry, opened.snapshot);
  return opened;
}

/** Probe: the libraries load; with controller credentials, every cluster has answered once. */
function probeWith(
  clusters: ReadonlyMap<string, ClusterEntry>,
  pool: ConnectionPool,
  creds: Credentials | undefined,
) {
  const stat =
    creds &&
    (async (id: string) => {
      await pool.with(clusters.get(id) as ClusterEntry, creds, (conn) => conn.clusterStat());
    });
  return cephProbe([...clusters.keys()], ffi, stat);
}

/**
 * Starts the driver of the configured role. A start that fails (the ops port taken, the node's labels
 * unreadable) stops what it had started (the tenant watch, the gRPC server and its socket, the Ceph
 * connections) before it rejects.
 */
export async function startDriver(options: DriverOptions): Promise<RunningDriver> {
  const { config, logger } = options;
  const clusters = await readClusterConfig(config.clusterConfig);
  const controllerCredentials = config.keyring ? await readKeyring(config.keyring) : undefined;
  return startOrUndo(logger, (started) => serve(options, clusters, controllerCredentials, started));
}

/** startDriver once its inputs are read: everything it starts is recorded in `started`. */
async function serve(
  options: DriverOptions,
  clusters: ReadonlyMap<string, ClusterEntry>,
  controllerCredentials: Credentials | undefined,
  started: StartedParts,
): Promise<RunningDriver> {
  const { config, logger } = options;
  const pool = started.add(
    'ceph connections',
    new ConnectionPool({
      timeoutSeconds: config.cephTimeoutSeconds,
      ...(config.cephConf ? { cephConf: config.cephConf } : {}),
    }),
    (connections) => connections.closeAll(),
  );
  const metrics = createMetrics({ service: `csi-${config.role}` });
  const readiness = createReadiness([]);
  const tenants =
    config.role === 'controller' ? await openTenants(config, logger, readiness, metrics.registry) : undefined;
  if (tenants) started.add('tenant watch', tenants, (opened) => opened.stop());
  const csiMetrics = createCsiMetrics(metrics, config.role);
  const jobs = new BackgroundJobs();
  // The controller's flatten series (undefined for the node plugin, which flattens nothing).
  const flattenMetrics = csiMetrics.flatten;
  const deps: ControllerDeps = {
    clusters,
    pool,
    locks: new OperationLocks(),
    jobs,
    flattenRetries: new FlattenRetries({ jobs, log: logger, metrics: flattenMetrics }),
    flattenMetrics,
    ...(tenants ? { tenants: tenantViewOf(tenants.snapshot, { cluster: Boolean(config.kubeconfig) }) } : {}),
    ...(controllerCredentials ? { controllerCredentials } : {}),
    onBackgroundError: (err, what) => logger.warn({ err, what }, 'background job failed'),
    onBackgroundStopped: (image) =>
      logger.info({ image }, 'flatten stopped by shutdown: resumed at next start'),
  };
  const identity = identityHandlers({
    role: config.role,
    probe: probeWith(clusters, pool, controllerCredentials),
    topology: config.role === 'node' && config.topologyLabels.length > 0,
  });
  const topology = config.role === 'node' ? await nodeTopology(config) : {};
  const grpc = started.add(
    'grpc server',
    await startGrpcServer(
      socketPath(config.endpoint),
      {
        identity,
        ...(config.role === 'controller'
          ? { controller: controllerHandlers(deps) }
          : {
              node: nodeHandlers({
                config,
                clusters,
                locks: deps.locks,
                mounter: mounterNamed(config.mounter),
                topology,
              }),
            }),
      },
      { logger, metrics: csiMetrics, slowOpMs: config.slowOpMs },
    ),
    (server) => server.close(grpcGraceMs(config.shutdownTimeoutMs)),
  );
  const ops = options.withoutOps
    ? undefined
    : await startOpsServer({ listen: config.listen, logger, metrics, readiness: () => readiness.report() });
  logger.info({ role: config.role, endpoint: config.endpoint, ops: ops?.address }, 'CSI driver serving');
  if (config.role === 'node' && !(await canGrowMountedExt4())) {
    logger.warn(
      'no CAP_SYS_RESOURCE: a published ext4 volume cannot grow on this node (NodeExpandVolume answers ' +
        'FAILED_PRECONDITION; it grows when next staged): run the node plugin privileged',
    );
  }
  // Clones an earlier controller left unflattened (it died first): finish them in the background.
  if (config.role === 'controller') startFlattenResume(deps, logger);
  return {
    grpc,
    pool,
    ...(ops ? { ops } : {}),
    stop: async () => {
      readiness.markShuttingDown();
      // Background work stops first (a running flatten within about one object's copy-up), so that
      // the shutdown fits its timeout; the next start's scan resumes it.
      const draining = deps.jobs.drain();
      // Less than the whole shutdown's timeout: the steps below must run before it fires.
      await grpc.close(grpcGraceMs(config.shutdownTimeoutMs));
      await draining;
      await ops?.close();
      await tenants?.stop();
      // Only once no call holds a connection (handlers forced out by the grace period included):
      // librados must never free a handle a running call still uses.
      await pool.closeAll();
    },
  };
}
