import type { ReplaceSession, SnapshotSink, WatchedKind } from '../../sink.js';
import type { Clock } from './clock.js';
import { ClusterSourceError } from './errors.js';
import type { DecodedList } from './decode.js';
import type { ListFn } from './list-resource.js';
import type { ResourceDescriptor } from './resources.js';
import { classifyWatchEvent } from './watch-event.js';
import { type WatchEnd, watchOnce, type WatchClient } from './watch-once.js';
import { withDeadline } from './with-deadline.js';

/** A watch that fails this many times in a row, accepted by no watch between, is followed by a relist. */
export const RELIST_AFTER_WATCH_FAILURES = 3;

/** Survives restarts, so a restarted informer resumes watching where the last one stopped. */
export interface InformerState {
  /**
   * '' until listed, and again after 410 Gone, "Too large resource version" or
   * RELIST_AFTER_WATCH_FAILURES failed watches in a row: the next run lists first.
   */
  resourceVersion: string;
  /** Watches failed in a row since the last LIST or accepted watch. */
  watchFailures: number;
}

/** What the informer tells its owner; none of these may throw. */
export interface InformerHooks {
  listed(count: number, resourceVersion: string): void;
  /**
   * The watch stream is open (HTTP 200). Not yet proof that the watch works: kube-apiserver may
   * still send an ERROR event and end it.
   */
  opened(resourceVersion: string): void;
  /**
   * The server accepted the watch from `resourceVersion`: it delivered its first ADDED, MODIFIED,
   * DELETED or BOOKMARK event, or ended cleanly (no ERROR) after at least `shortWatchMs`. Once per watch.
   */
  accepted(resourceVersion: string): void;
  /** An event arrived: the connection is doing useful work. */
  progressed(): void;
  /** 410 Gone: the informer relists next. */
  expired(message: string): void;
  /** The next run relists because of watch failures (`reason` says which); the run then fails. */
  relisting(reason: string): void;
  /** The sink threw on an object; the informer carries on with the next one. */
  sinkFailed(err: unknown, operation: string): void;
}

export interface InformerTiming {
  /** Deadline of each LIST request, and of a WATCH's response headers. */
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
  deps.state.watchFailures = 0;
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
}

async function watchFromResourceVersion(deps: InformerDeps, signal: AbortSignal): Promise<WatchRun> {
  const timeoutSeconds = deps.timing.watchTimeoutSeconds();
  const resourceVersion = deps.state.resourceVersion;
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
    onOpen: () => deps.hooks.opened(resourceVersion),
    onEvent: (type, object) => onEvent(deps, type, object, accept),
  });
  return { end, accept };
}

/**
 * Counts a failed watch and returns its error for the supervisor. "Too large resource version" or
 * RELIST_AFTER_WATCH_FAILURES failures in a row make the next run relist, as client-go does: the
 * resourceVersion may be one this server will never serve (another API server, a restored etcd).
 */
function watchFailed(deps: InformerDeps, error: unknown, tooLarge: boolean): unknown {
  const failures = (deps.state.watchFailures += 1);
  if (!tooLarge && failures < RELIST_AFTER_WATCH_FAILURES) return error;
  deps.state.resourceVersion = '';
  deps.state.watchFailures = 0;
  deps.hooks.relisting(tooLarge ? 'too large resource version' : `${failures} watch failures in a row`);
  return error;
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
    const from = deps.state.resourceVersion;
    const startedAt = deps.clock.now();
    const { end, accept } = await watchFromResourceVersion(deps, signal);
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
        throw watchFailed(deps, end.error, end.relist === true);
      case 'closed':
        if (end.events === 0 && end.durationMs < deps.timing.shortWatchMs) {
          const message = `WATCH ${deps.resource.path}: closed after ${end.durationMs} ms without events`;
          throw watchFailed(deps, new ClusterSourceError('CLUSTER_ERR_WATCH_SHORT', message), false);
        }
        accept();
        break;
    }
  }
}
