import type { ClusterSnapshot } from '@corral/cluster';
import {
  buildServer,
  createMetrics,
  createReadiness,
  type CorralServer,
  type HttpsOptions,
  type Metrics,
  type Readiness,
  requireClientCertificate,
} from '@corral/runtime';
import type { Logger } from 'pino';
import { AssumedPods } from './decide/assumed-pods.js';
import { decideOptions, DEFAULT_SYSTEM_NAMESPACES } from './decide/decide-options.js';
import { NodeIndex } from './decide/node-index.js';
import { clusterViewOf } from './decide/rule-input.js';
import { ExtenderHandlers, type Binder } from './transport/extender-handlers.js';
import { createExtenderMetrics } from './transport/extender-metrics.js';
import { registerExtenderRoutes } from './transport/routes.js';
import { createSyncState, type SyncState } from './transport/sync-state.js';

export interface BuildExtenderOptions {
  readonly snapshot: ClusterSnapshot;
  readonly logger: Logger;
  readonly systemNamespaces?: readonly string[];
  readonly gpuResources?: readonly string[];
  readonly binder?: Binder;
  /** How long a pod bound by the extender counts on its node before the watch confirms it (ms). */
  readonly assumeTtlMs?: number;
  /** Milliseconds since the epoch; Date.now unless set (tests). */
  readonly now?: () => number;
  /** Snapshot sync conditions still pending at start (e.g. `informer:Pod`); none for a ready snapshot. */
  readonly syncConditions?: readonly string[];
  readonly bodyLimitBytes?: number;
  /** Most connections served at once (`--max-connections`); default 1024. */
  readonly maxConnections?: number;
  /** With `clientCaFile`, the verbs answer 403 to a caller without a certificate that CA signed. */
  readonly https?: HttpsOptions;
  /** With `https.clientCaFile`: the client certificate must also name this (CN or DNS/URI SAN). */
  readonly clientName?: string;
  readonly metrics?: Metrics;
}

export interface Extender {
  readonly app: CorralServer;
  readonly handlers: ExtenderHandlers;
  readonly readiness: Readiness;
  /** Feed the snapshot's sync state here: /readyz and filter follow it. */
  readonly sync: SyncState;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

const TEN_MIB = 10 * 1024 * 1024;
const DEFAULT_ASSUME_TTL_MS = 30_000;

/**
 * The extender service, composed in one visible place: runtime server (logging, metrics, ops routes,
 * body limit, TLS), the snapshot's sync state mirrored onto /readyz, the node index, the four verbs
 * (behind a client certificate check when the TLS options name a client CA).
 */
export function buildExtender(options: BuildExtenderOptions): Extender {
  const metrics = options.metrics ?? createMetrics({ service: 'extender' });
  const readiness = createReadiness(options.syncConditions ?? []);
  const inner = createSyncState(options.syncConditions ?? []);
  const sync: SyncState = {
    set(condition, ok, reason) {
      inner.set(condition, ok, reason);
      readiness.set(condition, ok, reason);
    },
    pending: () => inner.pending(),
  };
  const nodes = new NodeIndex(options.snapshot);
  const assumed = new AssumedPods({ ttlMs: options.assumeTtlMs ?? DEFAULT_ASSUME_TTL_MS });
  const extenderMetrics = createExtenderMetrics(metrics);
  const handlers = new ExtenderHandlers({
    snapshot: options.snapshot,
    cluster: clusterViewOf(options.snapshot, nodes, assumed),
    assumed,
    now: options.now ?? Date.now,
    options: decideOptions(
      options.systemNamespaces ?? DEFAULT_SYSTEM_NAMESPACES,
      options.gpuResources ?? ['nvidia.com/gpu'],
    ),
    sync,
    metrics: extenderMetrics,
    ...(options.binder ? { binder: options.binder } : {}),
  });
  const app = buildServer({
    logger: options.logger,
    metrics,
    readiness: readiness.report,
    bodyLimit: options.bodyLimitBytes ?? TEN_MIB,
    maxConnections: options.maxConnections,
    ...(options.https ? { https: options.https } : {}),
  });
  const guard =
    options.https?.clientCaFile === undefined
      ? undefined
      : requireClientCertificate(
          options.clientName === undefined ? {} : { requiredName: options.clientName },
        );
  registerExtenderRoutes(app, { handlers, metrics: extenderMetrics, ...(guard ? { guard } : {}) });
  return {
    app,
    handlers,
    readiness,
    sync,
    metrics,
    close: async () => {
      nodes.stop();
      await app.close();
    },
  };
}
