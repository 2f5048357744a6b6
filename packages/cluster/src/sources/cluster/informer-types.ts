import type { SnapshotSink } from '../../sink.js';
import type { Clock } from './clock.js';
import type { ListFn } from './list-resource.js';
import type { ResourceDescriptor } from './resources.js';
import type { WatchClient } from './watch-client.js';

/** Survives restarts, so a restarted informer resumes watching where the last one stopped. */
export interface InformerState {
  /**
   * '' until listed, and again after 410 Gone, "Too large resource version" or
   * RELIST_AFTER_WATCH_FAILURES failed watches in a row: the next run lists first.
   */
  resourceVersion: string;
  /** Watches failed in a row since the last LIST or accepted watch. */
  watchFailures: number;
  /**
   * 410s in a row that came within `shortWatchMs` of the LIST before them (0 when unset); each makes
   * the supervisor wait the backoff for this count before the next LIST.
   */
  quickExpiries?: number;
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
  /**
   * The open watch was aborted as stalled (no end long past its timeoutSeconds) after `silentMs`
   * without an event (since it opened or its last event): it was hung, not quiet. The run then fails.
   */
  stalled(silentMs: number): void;
  /** 410 Gone: the informer relists next. */
  expired(message: string): void;
  /** The next run relists because of watch failures (`reason` says which); the run then fails. */
  relisting(reason: string): void;
  /** A watch event the informer cannot apply (no object, unknown type); `reason` says which. */
  ignored(reason: string): void;
  /** The sink threw on an object; the informer carries on with the next one. */
  sinkFailed(err: unknown, operation: string): void;
  /**
   * A LIST page failed and is read again in `delayMs` (0: at once); or its continue token expired
   * and the list is read again whole. `reason` says which.
   */
  listRetrying(reason: string, delayMs: number): void;
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
  /** How long to wait before reading a failed LIST page again, given the 0-based attempt (backoff). */
  readonly retryDelayMs: (attempt: number) => number;
}
