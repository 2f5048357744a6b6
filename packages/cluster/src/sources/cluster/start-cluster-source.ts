import { WATCHED_KINDS } from '../../sink.js';
import { systemClock } from './clock.js';
import { redact } from './describe-error.js';
import { makeListFn } from './list-resource.js';
import { resolveSettings } from './settings.js';
import { type KindRunner, startKind } from './start-kind.js';
import { makeWatchClient } from './watch-client.js';
import type { ClusterSource, ClusterSourceOptions, ClusterSourceStatus } from './types.js';

/** client-go's reflector pages its lists by 500 too. */
const DEFAULT_LIST_PAGE_SIZE = 500;

/**
 * Feeds the snapshot sink from the API server: one supervised list/watch informer per kind. Ready
 * (`synced()`) once every kind has listed. See docs/adr/0004-informers.md.
 */
export function startClusterSource(options: ClusterSourceOptions): ClusterSource {
  const settings = resolveSettings(options.timing, options.backoff);
  const kinds = [...new Set(options.kinds ?? WATCHED_KINDS)];
  const controller = new AbortController();
  const logger = options.logger.child({ component: 'cluster-source' });
  const server = options.kubeConfig.getCurrentCluster()?.server ?? '';
  logger.info({ kinds, server: redact(server) }, 'cluster source starting');

  const context = {
    settings,
    sink: options.sink,
    origin: options.origin ?? 'cluster',
    list: makeListFn(options.kubeConfig),
    pageSize: options.listPageSize ?? DEFAULT_LIST_PAGE_SIZE,
    watch: makeWatchClient(options.kubeConfig),
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    logger,
    readiness: options.readiness ?? (() => undefined),
    signal: controller.signal,
  };
  const runners: KindRunner[] = kinds.map((kind) => startKind(kind, context));

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    controller.abort();
    await Promise.all(runners.map((r) => r.done));
    for (const runner of runners) runner.dispose();
    logger.info('cluster source stopped');
  };

  return {
    stop: () => (stopping ??= stop()),
    synced: () => runners.every((r) => r.isSynced()),
    status: (): ClusterSourceStatus => Object.fromEntries(runners.map((r) => [r.kind, r.status()])),
  };
}
