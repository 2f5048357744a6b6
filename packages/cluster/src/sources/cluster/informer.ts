import type { ReplaceSession, SnapshotSink, WatchedKind } from '../../sink.js';
import type { Clock } from './clock.js';
import { ClusterSourceError } from './errors.js';
import type { DecodedList } from './decode.js';
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
  /** LIST in pages of this many objects (limit/continue); one LIST of everything when unset. */
  readonly pageSize?: number;
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

function listOnce(deps: InformerDeps, signal: AbortSignal, token?: string): Promise<DecodedList> {
  const { clock, timing, resource } = deps;
  const expire = (cause: unknown): Error =>
    new ClusterSourceError(
      'CLUSTER_ERR_LIST_FAILED',
      `LIST ${resource.path}: no answer in ${timing.listTimeoutMs} ms`,
      undefined,
      { cause },
    );
  const page = deps.pageSize === undefined ? undefined : { limit: deps.pageSize, continue: token };
  return withDeadline(clock, timing.listTimeoutMs, signal, expire, (s) => deps.list(resource, s, page));
}

/**
 * LIST, then replace the sink's objects of the kind. A list in pages goes to the sink page by page
 * when it can take them (beginReplace), so no one holds the whole list; else the pages are joined.
 * Every page is read at the first page's resourceVersion (the API server's continue token carries
 * it), which is where the watch resumes. A failed page leaves the pages applied so far and removes
 * nothing; the next relist completes the work.
 */
async function relist(deps: InformerDeps, signal: AbortSignal): Promise<void> {
  const first = await listOnce(deps, signal);
  if (signal.aborted) return;
  let count = first.items.length;
  if (first.continue === undefined) {
    feed(deps, 'replaceAll', (sink, kind) => sink.replaceAll(kind, first.items, deps.origin));
  } else {
    const sink = pagedSink(deps);
    sink.page(first.items);
    for (let token: string | undefined = first.continue; token !== undefined;) {
      const next = await listOnce(deps, signal, token);
      if (signal.aborted) return;
      sink.page(next.items);
      count += next.items.length;
      token = next.continue;
    }
    sink.end();
  }
  deps.state.resourceVersion = first.resourceVersion;
  deps.hooks.listed(count, first.resourceVersion);
}

/** The sink's paged replace, or pages collected for one replaceAll; sink errors reported, not thrown. */
function pagedSink(deps: InformerDeps): ReplaceSession {
  let session: ReplaceSession | undefined;
  feed(deps, 'beginReplace', (sink, kind) => (session = sink.beginReplace?.(kind, deps.origin)));
  const started = session;
  if (started) {
    return {
      page: (items) => feed(deps, 'beginReplace', () => started.page(items)),
      end: () => feed(deps, 'beginReplace', () => started.end()),
    };
  }
  const items: unknown[] = [];
  return {
    page: (page) => {
      for (const item of page) items.push(item);
    },
    end: () => feed(deps, 'replaceAll', (sink, kind) => sink.replaceAll(kind, items, deps.origin)),
  };
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
