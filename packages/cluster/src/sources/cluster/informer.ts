import { ClusterSourceError } from './errors.js';
import { feed } from './feed.js';
import type { InformerDeps } from './informer-types.js';
import { relist } from './list-pages.js';
import { isThrottledOrRefused } from './retry-policy.js';
import { classifyWatchEvent } from './watch-event.js';
import { type WatchEnd, watchOnce } from './watch-once.js';

export type { InformerDeps, InformerHooks, InformerState, InformerTiming } from './informer-types.js';

/** A watch that fails this many times in a row, accepted by no watch between, is followed by a relist. */
export const RELIST_AFTER_WATCH_FAILURES = 3;

/**
 * Applies one watch event to the sink and the resourceVersion (calling `accept` for ADDED,
 * MODIFIED, DELETED and BOOKMARK); returns an end for 410 or ERROR.
 */
function onEvent(
  deps: InformerDeps,
  type: unknown,
  object: unknown,
  accept: () => void,
): WatchEnd | undefined {
  const action = classifyWatchEvent(type, object);
  switch (action.type) {
    case 'upsert':
      feed(deps, 'upsert', (sink, kind) => sink.upsert(kind, action.object, deps.origin));
      break;
    case 'remove':
      feed(deps, 'remove', (sink, kind) => sink.remove(kind, action.object, deps.origin));
      break;
    case 'bookmark':
      break;
    case 'gone':
      return { type: 'gone', message: action.message };
    case 'error': {
      const message = `WATCH ${deps.resource.path}: ERROR event: ${action.message}`;
      return {
        type: 'failed',
        error: new ClusterSourceError('CLUSTER_ERR_WATCH_EVENT', message, action.code),
        relist: action.resourceVersionTooLarge,
      };
    }
    case 'ignore':
      deps.hooks.ignored(action.reason);
      return undefined;
  }
  if (action.resourceVersion !== undefined) deps.state.resourceVersion = action.resourceVersion;
  accept();
  deps.hooks.progressed();
  return undefined;
}

interface WatchRun {
  readonly end: WatchEnd;
  /** Marks the watch accepted (see InformerHooks.accepted); only the first call counts. */
  readonly accept: () => void;
  /** Did the watch deliver an event the informer could apply (ADDED, MODIFIED, DELETED, BOOKMARK)? */
  readonly applied: () => boolean;
}

/** Does the watch end tell of a stream that stayed open without an end past its deadline? */
function isStall(end: WatchEnd): boolean {
  return (
    end.type === 'failed' &&
    end.error instanceof ClusterSourceError &&
    end.error.code === 'CLUSTER_ERR_WATCH_STALLED'
  );
}

async function watchFromResourceVersion(deps: InformerDeps, signal: AbortSignal): Promise<WatchRun> {
  const timeoutSeconds = deps.timing.watchTimeoutSeconds();
  const resourceVersion = deps.state.resourceVersion;
  /** When the open stream last showed life (opened, or its last event); undefined until open. */
  let aliveAt: number | undefined;
  let accepted = false;
  const accept = (): void => {
    if (accepted) return;
    accepted = true;
    deps.state.watchFailures = 0;
    deps.hooks.accepted(resourceVersion);
  };
  const end = await watchOnce({
    watch: deps.watch,
    path: deps.resource.path,
    query: { resourceVersion, allowWatchBookmarks: true, timeoutSeconds },
    signal,
    clock: deps.clock,
    connectTimeoutMs: deps.timing.listTimeoutMs,
    stallMs: timeoutSeconds * 1000 + deps.timing.stallGraceMs,
    onOpen: () => {
      aliveAt = deps.clock.now();
      deps.hooks.opened(resourceVersion);
    },
    onEvent: (type, object) => {
      aliveAt = deps.clock.now();
      return onEvent(deps, type, object, accept);
    },
  });
  if (aliveAt !== undefined && isStall(end)) deps.hooks.stalled(deps.clock.now() - aliveAt);
  return { end, accept, applied: () => accepted };
}

/**
 * Counts a failed watch and returns its error for the supervisor. "Too large resource version" or
 * RELIST_AFTER_WATCH_FAILURES failures in a row make the next run relist: the resourceVersion may be
 * one this server will never serve (another API server, a restored etcd). A throttled (429) or
 * refused watch is not counted: it says nothing about the resourceVersion, and client-go's reflector
 * retries it from there after a backoff rather than add a LIST to an overloaded server.
 */
function watchFailed(deps: InformerDeps, error: unknown, tooLarge: boolean): unknown {
  if (!tooLarge && isThrottledOrRefused(error)) return error;
  const failures = (deps.state.watchFailures += 1);
  if (!tooLarge && failures < RELIST_AFTER_WATCH_FAILURES) return error;
  deps.state.resourceVersion = '';
  deps.state.watchFailures = 0;
  deps.hooks.relisting(tooLarge ? 'too large resource version' : `${failures} watch failures in a row`);
  return error;
}

/**
 * A 410 that came within `shortWatchMs` of its LIST, with or without events before it: relisting at
 * once could loop as fast as the server answers (one LIST per cycle), so the run fails instead and
 * asks the supervisor to wait the backoff for the number of such 410s in a row, as client-go's
 * reflector backs off between relists. Events do not shorten the wait: they reset the supervisor's
 * own backoff, but not this count.
 */
function expiredAfterList(deps: InformerDeps, message: string): ClusterSourceError {
  const inARow = deps.state.quickExpiries ?? 0;
  deps.state.quickExpiries = inARow + 1;
  return new ClusterSourceError('CLUSTER_ERR_WATCH_FAILED', `${message} right after LIST`, 410, {
    retryAfterMs: deps.retryDelayMs(inARow),
  });
}

/**
 * A watch closed cleanly. One that applied no event and lasted less than `shortWatchMs` is a failure
 * (the supervisor backs off): events the informer ignored (no object, unknown type) do not count,
 * since a server sending only those and closing would otherwise be watched again at once, for ever,
 * from the same resourceVersion.
 */
function closedWatch(deps: InformerDeps, run: WatchRun, durationMs: number): void {
  if (!run.applied() && durationMs < deps.timing.shortWatchMs) {
    const message = `WATCH ${deps.resource.path}: closed after ${durationMs} ms without events`;
    throw watchFailed(deps, new ClusterSourceError('CLUSTER_ERR_WATCH_SHORT', message), false);
  }
  deps.state.quickExpiries = 0;
  run.accept();
}

/**
 * One kind's list/watch loop: LIST (into sink.replaceAll) when there is no resourceVersion, then
 * WATCH from it, again and again: a clean end resumes from the last resourceVersion, 410 Gone
 * relists. Returns when `signal` aborts; throws on any other failure (an HTTP 200 followed by an
 * ERROR event is a failure too), leaving `state` so that the next run resumes from the same
 * resourceVersion, or relists after "Too large resource version" or repeated failures (the
 * supervisor decides when).
 */
export async function runInformer(deps: InformerDeps, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const listedNow = deps.state.resourceVersion === '';
    if (listedNow) await relist(deps, signal);
    if (signal.aborted) return;
    const startedAt = deps.clock.now();
    const run = await watchFromResourceVersion(deps, signal);
    const { end } = run;
    switch (end.type) {
      case 'stopped':
        return;
      case 'gone':
        deps.state.resourceVersion = '';
        if (listedNow && deps.clock.now() - startedAt < deps.timing.shortWatchMs)
          throw expiredAfterList(deps, end.message);
        deps.state.quickExpiries = 0;
        deps.hooks.expired(end.message);
        break;
      case 'failed':
        throw watchFailed(deps, end.error, end.relist === true);
      case 'closed':
        closedWatch(deps, run, end.durationMs);
        break;
    }
  }
}
