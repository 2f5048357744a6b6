import type { Logger } from 'pino';
import type { SnapshotSink, WatchedKind } from '../../sink.js';
import { backoffDelay } from './backoff.js';
import type { Clock } from './clock.js';
import { describeError } from './describe-error.js';
import { ignoredEventsLog } from './ignored-events-log.js';
import { type InformerHooks, type InformerState, runInformer } from './informer.js';
import type { ListFn } from './list-resource.js';
import { RESOURCES } from './resources.js';
import { retryAfterOf } from './retry-policy.js';
import { pickWatchTimeout, type ResolvedSettings } from './settings.js';
import { supervise } from './supervisor.js';
import { SyncTracker } from './sync-tracker.js';
import type { KindStatus, ReadinessCallback } from './types.js';
import type { WatchClient } from './watch-client.js';

export interface KindContext {
  readonly settings: ResolvedSettings;
  readonly sink: SnapshotSink;
  readonly origin: string;
  readonly list: ListFn;
  /** LIST page size; 0 for no paging. */
  readonly pageSize: number;
  readonly watch: WatchClient;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  readonly readiness: ReadinessCallback;
  readonly signal: AbortSignal;
}

export interface KindRunner {
  readonly kind: WatchedKind;
  /** Settles once the informer has stopped. */
  readonly done: Promise<void>;
  isSynced(): boolean;
  status(): KindStatus;
  dispose(): void;
}

function notify(kind: WatchedKind, ctx: KindContext, log: Logger, synced: boolean, reason: string): void {
  try {
    ctx.readiness(kind, synced, reason);
  } catch (err) {
    log.error({ err: describeError(err) }, 'readiness callback threw');
  }
}

function reportTo(kind: WatchedKind, ctx: KindContext, log: Logger) {
  return (synced: boolean, reason: string): void => {
    if (synced) log.info({ reason }, 'kind synced');
    else log.warn({ reason }, 'kind not synced');
    notify(kind, ctx, log, synced, reason);
  };
}

/**
 * Starts one kind's supervised informer. This is where the cluster source logs: each restart once
 * (kind, error summary, restart count, delay), sync changes, relists after 410 or repeated watch
 * failures, LIST pages read again (and lists read whole after an expired token), and sink failures.
 */
export function startKind(kind: WatchedKind, ctx: KindContext): KindRunner {
  const { clock, settings } = ctx;
  const log = ctx.logger.child({ kind });
  const state: InformerState = { resourceVersion: '', watchFailures: 0, quickExpiries: 0 };
  const tracker = new SyncTracker(clock, settings.timing.unsyncedAfterMs, reportTo(kind, ctx, log));
  let restarts = 0;
  let lastError: string | undefined;
  const logIgnored = ignoredEventsLog(log, clock);

  const hooks = (healthy: () => void): InformerHooks => ({
    // A LIST alone does not reset the backoff: a watch failing right after each LIST would
    // otherwise relist at the initial delay for ever. An accepted watch or an event does.
    listed(count, resourceVersion) {
      log.debug({ count, resourceVersion }, 'listed');
      tracker.listed(count);
    },
    opened: () => tracker.opened(),
    accepted: () => {
      healthy();
      tracker.accepted();
    },
    progressed: healthy,
    stalled: (silentMs) => tracker.stalled(silentMs),
    expired: (reason) => {
      // The snapshot has missed events until the relist succeeds.
      tracker.failed(reason);
      log.info({ reason }, 'watch expired (410 Gone); relisting');
    },
    relisting: (reason) => log.info({ reason }, 'watch keeps failing; relisting'),
    ignored: logIgnored,
    sinkFailed: (err, operation) => log.error({ err: describeError(err), operation }, 'snapshot sink threw'),
    listRetrying: (reason, delayMs) => log.warn({ reason, delayMs }, 'LIST retrying'),
  });

  notify(kind, ctx, log, false, 'waiting for the first LIST');
  const done = supervise({
    signal: ctx.signal,
    clock,
    backoff: settings.backoff,
    random: ctx.random,
    run: (signal, healthy) =>
      runInformer(
        {
          resource: RESOURCES[kind],
          ...(ctx.pageSize > 0 ? { pageSize: ctx.pageSize } : {}),
          sink: ctx.sink,
          origin: ctx.origin,
          list: ctx.list,
          watch: ctx.watch,
          clock,
          timing: {
            ...settings.timing,
            watchTimeoutSeconds: () => pickWatchTimeout(settings.timing.watchTimeoutSeconds, ctx.random()),
          },
          state,
          hooks: hooks(healthy),
          retryDelayMs: (attempt) => backoffDelay(attempt, settings.backoff, ctx.random()),
        },
        signal,
      ),
    minDelayMs: retryAfterOf,
    onRestart(err, count, delayMs) {
      const summary = describeError(err);
      restarts = count;
      lastError = summary.message;
      tracker.failed(summary.message);
      log.warn(
        { err: summary, restart: count, delayMs, resourceVersion: state.resourceVersion },
        'informer restarting',
      );
    },
  });

  return {
    kind,
    done,
    isSynced: () => tracker.isSynced(),
    status: () => ({
      synced: tracker.isSynced(),
      lastError,
      restarts,
      resourceVersion: state.resourceVersion,
    }),
    dispose: () => tracker.stop(),
  };
}
