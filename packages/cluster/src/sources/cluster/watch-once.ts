import type { Clock } from './clock.js';
import { ClusterSourceError } from './errors.js';
import type { WatchClient } from './watch-client.js';

export type { WatchClient } from './watch-client.js';

/** How one watch request ended. */
export type WatchEnd =
  | { readonly type: 'closed'; readonly events: number; readonly durationMs: number }
  | { readonly type: 'gone'; readonly message: string }
  | { readonly type: 'failed'; readonly error: unknown; readonly relist?: boolean }
  | { readonly type: 'stopped' };

export interface WatchOnceOptions {
  readonly watch: WatchClient;
  readonly path: string;
  readonly query: Readonly<Record<string, string | number | boolean>>;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** Abort the watch as failed when the response headers have not arrived after this long. */
  readonly connectTimeoutMs: number;
  /** Abort the watch as stalled when it is still open after this long. */
  readonly stallMs: number;
  /** The API server answered 200 and the stream is open. */
  onOpen(): void;
  /** One event; return a WatchEnd to close the watch after it. */
  onEvent(type: unknown, object: unknown): WatchEnd | undefined;
}

function endForError(err: unknown, path: string): WatchEnd {
  const statusCode = (err as { statusCode?: unknown } | null)?.statusCode;
  if (statusCode === 410) return { type: 'gone', message: `WATCH ${path}: 410 Gone` };
  const detail = err instanceof Error ? err.message : String(err);
  const code = typeof statusCode === 'number' ? statusCode : undefined;
  const error = new ClusterSourceError('CLUSTER_ERR_WATCH_FAILED', `WATCH ${path}: ${detail}`, code, {
    cause: err,
  });
  return { type: 'failed', error };
}

function failure(code: 'CLUSTER_ERR_WATCH_STALLED', message: string): WatchEnd {
  return { type: 'failed', error: new ClusterSourceError(code, message) };
}

/**
 * Runs one watch request through a WatchClient (client-node's `Watch`, which does the HTTP, the
 * auth and the line splitting) and resolves with how it ended: closed cleanly by the server, 410
 * Gone (HTTP or ERROR event), failed (HTTP error, broken connection, no response headers within
 * `connectTimeoutMs`, stall), or stopped by `signal`. Events are passed on in order; nothing is
 * delivered after the end. Every end aborts the request through its own signal, also while the
 * headers are still awaited; on stop it waits until the client has let go of the aborted request
 * (at once), leaving no request behind.
 */
export function watchOnce(options: WatchOnceOptions): Promise<WatchEnd> {
  const { clock, path, signal } = options;
  if (signal.aborted) return Promise.resolve({ type: 'stopped' });
  const startedAt = clock.now();
  let events = 0;
  const request = new AbortController();
  let controller: AbortController | undefined;
  let resolveEnd: (end: WatchEnd) => void = () => undefined;
  const ended = new Promise<WatchEnd>((resolve) => (resolveEnd = resolve));
  let settled = false;

  const finish = (end: WatchEnd): void => {
    if (settled) return;
    settled = true;
    cancelConnect();
    cancelStall();
    signal.removeEventListener('abort', onAbort);
    request.abort();
    controller?.abort();
    resolveEnd(end);
  };
  const onAbort = (): void => finish({ type: 'stopped' });
  const cancelStall = clock.setTimeout(() => {
    finish(failure('CLUSTER_ERR_WATCH_STALLED', `WATCH ${path}: no end after ${options.stallMs} ms`));
  }, options.stallMs);
  const cancelConnect = clock.setTimeout(() => {
    const message = `WATCH ${path}: no response headers after ${options.connectTimeoutMs} ms`;
    finish(failure('CLUSTER_ERR_WATCH_STALLED', message));
  }, options.connectTimeoutMs);
  signal.addEventListener('abort', onAbort, { once: true });

  const onEvent = (type: unknown, object: unknown): void => {
    if (settled) return;
    events += 1;
    const end = options.onEvent(type, object);
    if (end !== undefined) finish(end);
  };
  const onDone = (err: unknown): void => {
    if (settled) return;
    finish(
      err == null ? { type: 'closed', events, durationMs: clock.now() - startedAt } : endForError(err, path),
    );
  };
  const call = options.watch.watch(path, { ...options.query }, onEvent, onDone, request.signal).then(
    (c) => {
      controller = c;
      cancelConnect();
      if (settled) c.abort();
      else options.onOpen();
    },
    (err: unknown) => finish(endForError(err, path)),
  );
  return ended.then((end) => (end.type === 'stopped' ? call.then(() => end) : end));
}
