import type { SnapshotSink, WatchedKind } from '../../sink.js';
import type { Clock } from './clock.js';
import { ClusterSourceError } from './errors.js';
import type { ListFn } from './list-resource.js';
import type { ResourceDescriptor } from './resources.js';
import { classifyWatchEvent } from './watch-event.js';
import { type WatchEnd, watchOnce, type WatchClient } from './watch-once.js';
import { withDeadline } from './with-deadline.js';

/** Survives restarts, so a restarted informer resumes watching where the last one stopped. */
export interface InformerState {
  /** '' until listed, and again after 410 Gone: the next run lists first. */
  resourceVersion: string;
}

/** What the informer tells its owner; none of these may throw. */
export interface InformerHooks {
  listed(count: number, resourceVersion: string): void;
  /** The watch stream is open (HTTP 200). */
  watching(resourceVersion: string): void;
  /** An event arrived: the connection is doing useful work. */
  progressed(): void;
  /** 410 Gone: the informer relists next. */
  expired(message: string): void;
  /** The sink threw on an object; the informer carries on with the next one. */
  sinkFailed(err: unknown, operation: string): void;
}

export interface InformerTiming {
  readonly listTimeoutMs: number;
  /** A watch that ends sooner than this without one event counts as a failure (avoids hot loops). */
  readonly shortWatchMs: number;
  /** Asks the server to end each watch after this many seconds (a fresh draw per watch). */
  readonly watchTimeoutSeconds: () => number;
  /** Extra time past `timeoutSeconds` before a still-open watch is aborted as stalled. */
  readonly stallGraceMs: number;
}

export interface InformerDeps {
  readonly resource: ResourceDescriptor;
  readonly sink: SnapshotSink;
  readonly origin: string;
  readonly list: ListFn;
  readonly watch: WatchClient;
  readonly clock: Clock;
  readonly timing: InformerTiming;
  readonly state: InformerState;
  readonly hooks: InformerHooks;
}

/** Calls the sink; a throwing sink is reported, not fatal (a restart would replay the same object). */
function feed(
  deps: InformerDeps,
  operation: keyof SnapshotSink,
  call: (sink: SnapshotSink, kind: WatchedKind) => void,
) {
  try {
    call(deps.sink, deps.resource.kind);
  } catch (err) {
    deps.hooks.sinkFailed(err, operation);
  }
}

async function relist(deps: InformerDeps, signal: AbortSignal): Promise<void> {
  const { clock, timing, resource } = deps;
  const expire = (cause: unknown): Error =>
    new ClusterSourceError(
      'CLUSTER_ERR_LIST_FAILED',
      `LIST ${resource.path}: no answer in ${timing.listTimeoutMs} ms`,
      undefined,
      { cause },
    );
  const list = await withDeadline(clock, timing.listTimeoutMs, signal, expire, (s) => deps.list(resource, s));
  if (signal.aborted) return;
  feed(deps, 'replaceAll', (sink, kind) => sink.replaceAll(kind, list.items, deps.origin));
  deps.state.resourceVersion = list.resourceVersion;
  deps.hooks.listed(list.items.length, list.resourceVersion);
}

/** Applies one watch event to the sink and the resourceVersion; returns an end for 410 or ERROR. */
function onEvent(deps: InformerDeps, type: unknown, object: unknown): WatchEnd | undefined {
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
      };
    }
    case 'ignore':
      return undefined;
  }
  if (action.resourceVersion !== undefined) deps.state.resourceVersion = action.resourceVersion;
  deps.hooks.progressed();
  return undefined;
}

function watchFromResourceVersion(deps: InformerDeps, signal: AbortSignal): Promise<WatchEnd> {
  const timeoutSeconds = deps.timing.watchTimeoutSeconds();
  const resourceVersion = deps.state.resourceVersion;
  return watchOnce({
    watch: deps.watch,
    path: deps.resource.path,
    query: { resourceVersion, allowWatchBookmarks: true, timeoutSeconds },
    signal,
    clock: deps.clock,
    stallMs: timeoutSeconds * 1000 + deps.timing.stallGraceMs,
    onOpen: () => deps.hooks.watching(resourceVersion),
    onEvent: (type, object) => onEvent(deps, type, object),
  });
}

/**
 * One kind's list/watch loop: LIST (into sink.replaceAll) when there is no resourceVersion, then
 * WATCH from it, again and again: a clean end resumes from the last resourceVersion, 410 Gone
 * relists. Returns when `signal` aborts; throws on any other failure, leaving `state` so that the
 * next run resumes (the supervisor decides when).
 */
export async function runInformer(deps: InformerDeps, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const listedNow = deps.state.resourceVersion === '';
    if (listedNow) await relist(deps, signal);
    if (signal.aborted) return;
    const from = deps.state.resourceVersion;
    const startedAt = deps.clock.now();
    const end = await watchFromResourceVersion(deps, signal);
    switch (end.type) {
      case 'stopped':
        return;
      case 'gone': {
        const quick = deps.clock.now() - startedAt < deps.timing.shortWatchMs;
        const noProgress = listedNow && quick && deps.state.resourceVersion === from;
        deps.state.resourceVersion = '';
        // Gone straight after a LIST would relist in a tight loop: let the supervisor back off.
        if (noProgress)
          throw new ClusterSourceError('CLUSTER_ERR_WATCH_FAILED', `${end.message} right after LIST`, 410);
        deps.hooks.expired(end.message);
        break;
      }
      case 'failed':
        throw end.error;
      case 'closed':
        if (end.events === 0 && end.durationMs < deps.timing.shortWatchMs) {
          const message = `WATCH ${deps.resource.path}: closed after ${end.durationMs} ms without events`;
          throw new ClusterSourceError('CLUSTER_ERR_WATCH_SHORT', message);
        }
        break;
    }
  }
}
