import type { ClusterSnapshot } from '@corral/cluster';
import {
  buildServer,
  createMetrics,
  createReadiness,
  type CorralServer,
  type HttpsOptions,
  type Metrics,
  type Readiness,
} from '@corral/runtime';
import type { Logger } from 'pino';
import { decideOptions, DEFAULT_SYSTEM_NAMESPACES } from './decide/decide-options.js';
import { NodeIndex } from './decide/node-index.js';
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
  /** Snapshot sync conditions still pending at start (e.g. `informer:Pod`); none for a ready snapshot. */
  readonly syncConditions?: readonly string[];
  readonly bodyLimitBytes?: number;
  readonly https?: HttpsOptions;
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

/**
 * The extender service, composed in one visible place: runtime server (logging, metrics, ops routes,
 * body limit, TLS), the snapshot's sync state mirrored onto /readyz, the node index, the four verbs.
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
  const extenderMetrics = createExtenderMetrics(metrics);
  const handlers = new ExtenderHandlers({
    snapshot: options.snapshot,
    nodes,
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
    ...(options.https ? { https: options.https } : {}),
  });
  registerExtenderRoutes(app, { handlers, metrics: extenderMetrics });
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
