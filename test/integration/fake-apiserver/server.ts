import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleWrite, type WriteContext } from './crud.js';
import { type GoneStyle, handleGet, handleWatch } from './handlers.js';
import { handleList } from './list-handler.js';
import { type KubeObject, ObjectStore } from './object-store.js';
import {
  FailureInjector,
  matchesRequest,
  type RecordedRequest,
  RequestLog,
  type RequestFilter,
} from './request-log.js';
import { parseResourcePath, resourceForObject, type ResourceType } from './resources.js';
import { failureStatus, injectedFailure, sendStatus } from './status.js';
import { WatchRegistry, writeEvent } from './watch-registry.js';

/**
 * Extra routes a test may add (bindings, evictions, a misbehaving endpoint...): return true when the
 * request was answered. Every served type also takes writes (crud.ts).
 */
export type ExtraHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;

export interface FailOptions extends RequestFilter {
  /** HTTP status to answer with; 500 unless set. */
  readonly code?: number;
  /** Sent as the Retry-After header and in the Status details (kube-apiserver does on every 429). */
  readonly retryAfterSeconds?: number;
}

/** Names an object; `apiVersion` and `kind` pick the resource type (a KubeObject will do). */
export interface ObjectRef {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

export interface FakeApiServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly requests: RequestLog;
  /** Creates or replaces an object (ADDED or MODIFIED to open watches); returns the stored copy. */
  upsert(object: KubeObject): KubeObject;
  /** Deletes an object (DELETED to open watches); false if there was none. */
  remove(ref: ObjectRef): boolean;
  /** The current resourceVersion, as a string like the API serves it. */
  resourceVersion(): string;
  /** Sends a BOOKMARK at the current resourceVersion to every watch that allowed bookmarks. */
  bookmark(): void;
  /**
   * Writes an event as given (any type, any object, nothing stored) to the open watches of the
   * collection at `path` (e.g. `/api/v1/pods`), to play a server or proxy sending odd events.
   */
  emit(path: string, type: string, object: unknown): void;
  /**
   * Compacts history: watches from an older resourceVersion get 410, as HTTP status or ERROR event,
   * and so do LIST continue tokens issued before (410 Expired, as etcd cannot read the old revision).
   */
  expireHistory(style?: GoneStyle): void;
  /** Sends ERROR 410 to every open watch and ends it. */
  expireOpenWatches(): void;
  /** Destroys the sockets of all open watches. */
  dropWatches(): void;
  /** Ends all open watches normally. */
  endWatches(): void;
  /** Holds new watch requests unanswered until resumeWatches(). */
  pauseWatches(): void;
  resumeWatches(): void;
  /** Fails the next `count` matching requests with an HTTP error Status. */
  failNext(count: number, options?: FailOptions): void;
  /** Forgets every pending failNext. */
  clearFailures(): void;
  /**
   * Answers the matching watch requests with HTTP 200, an ERROR event carrying `status`, and the
   * end of the stream, as kube-apiserver does for "Too large resource version" or a failing
   * conversion webhook; `undefined` serves watches normally again.
   */
  errorWatches(status: unknown, filter?: RequestFilter): void;
  openWatches(): number;
  close(): Promise<void>;
}

function resourceOf(ref: ObjectRef): ResourceType {
  const resource = resourceForObject(ref.apiVersion ?? '', ref.kind ?? '');
  if (resource === undefined) {
    throw new Error(`fake API server does not serve ${ref.apiVersion ?? '?'} ${ref.kind ?? '?'}`);
  }
  return resource;
}

class WatchGate {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  pause(): void {
    this.held ??= new Promise((resolve) => (this.release = resolve));
  }

  resume(): void {
    this.release?.();
    this.held = undefined;
    this.release = undefined;
  }

  async pass(): Promise<void> {
    await this.held;
  }
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  seen: RecordedRequest,
  ctx: WriteContext,
): Promise<void> {
  const target = parseResourcePath(url.pathname);
  if (target === undefined || (target.subresource !== undefined && target.subresource !== 'status')) {
    sendStatus(res, failureStatus(404, 'NotFound', `the server could not find the requested resource`));
  } else if (req.method !== 'GET') {
    await handleWrite(req, res, target, ctx);
  } else if (target.name !== undefined) {
    handleGet(res, target, target.name, ctx);
  } else if (seen.watch) {
    handleWatch(res, target, url.searchParams, ctx);
  } else {
    handleList(res, target, ctx.store, url.searchParams);
  }
}

export async function startFakeApiServer(options: { extra?: ExtraHandler } = {}): Promise<FakeApiServer> {
  const store = new ObjectStore();
  const watches = new WatchRegistry();
  const requests = new RequestLog();
  const failures = new FailureInjector();
  const gate = new WatchGate();
  let goneStyle: GoneStyle = 'http';
  let watchError: { readonly status: unknown; readonly filter: RequestFilter } | undefined;
  const ctx: WriteContext = {
    store,
    watches,
    goneStyle: () => goneStyle,
    publish: (event) => watches.publish(event),
  };

  const answer = async (req: IncomingMessage, res: ServerResponse, url: URL, seen: RecordedRequest) => {
    const failure = failures.take(seen);
    if (failure !== undefined) {
      sendStatus(res, injectedFailure(failure.code, failure.retryAfterSeconds));
      return;
    }
    if (options.extra?.(req, res, url) === true) return;
    if (seen.watch && watchError !== undefined && matchesRequest(seen, watchError.filter)) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      writeEvent(res, 'ERROR', watchError.status);
      res.end();
      return;
    }
    if (seen.watch) await gate.pass();
    if (!res.destroyed) await route(req, res, url, seen, ctx);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const seen = requests.record(req.method ?? 'GET', url, req.headers.authorization);
    answer(req, res, url, seen).catch((err: unknown) => res.destroy(err as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    upsert(object) {
      const event = store.upsert(resourceOf(object), object);
      watches.publish(event);
      return structuredClone(event.object);
    },
    remove(ref) {
      const event = store.remove(resourceOf(ref), ref.metadata.namespace, ref.metadata.name);
      if (event !== undefined) watches.publish(event);
      return event !== undefined;
    },
    resourceVersion: () => String(store.currentRevision()),
    bookmark: () => watches.bookmark(store.currentRevision()),
    emit(path, type, object) {
      const target = parseResourcePath(path);
      if (target === undefined) throw new Error(`fake API server does not serve ${path}`);
      watches.emit(target.resource, type, object);
    },
    expireHistory(style = 'http') {
      goneStyle = style;
      store.compact();
    },
    expireOpenWatches: () => watches.expireAll(store.currentRevision(), store.oldestWatchableRevision()),
    dropWatches: () => watches.dropAll(),
    endWatches: () => watches.endAll(),
    pauseWatches: () => gate.pause(),
    resumeWatches: () => gate.resume(),
    failNext: (count, { code = 500, retryAfterSeconds, ...filter } = {}) =>
      failures.failNext(
        count,
        { code, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
        filter,
      ),
    clearFailures: () => failures.clear(),
    errorWatches(status, filter = {}) {
      watchError = status === undefined ? undefined : { status, filter };
    },
    openWatches: () => watches.count(),
    async close() {
      gate.resume();
      watches.dropAll();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
