import type { Watch } from '@kubernetes/client-node';
import type { Clock } from './clock.js';
import { ClusterSourceError } from './errors.js';

/** How one watch request ended. */
export type WatchEnd =
  | { readonly type: 'closed'; readonly events: number; readonly durationMs: number }
  | { readonly type: 'gone'; readonly message: string }
  | { readonly type: 'failed'; readonly error: unknown }
  | { readonly type: 'stopped' };

/** The part of client-node's `Watch` used here. */
export type WatchClient = Pick<Watch, 'watch'>;

export interface WatchOnceOptions {
  readonly watch: WatchClient;
  readonly path: string;
  readonly query: Readonly<Record<string, string | number | boolean>>;
  readonly signal: AbortSignal;
  readonly clock: Clock;
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

/**
 * Runs one watch request through client-node's `Watch` (which does the HTTP, the auth and the
 * line splitting) and resolves with how it ended: closed cleanly by the server, 410 Gone (HTTP or
 * ERROR event), failed (HTTP error, broken connection, stall), or stopped by `signal`. Events are
 * passed on in order; nothing is delivered after the end. On stop it waits until client-node has
 * handed over the request so it can be aborted, leaving no request behind.
 */
export function watchOnce(options: WatchOnceOptions): Promise<WatchEnd> {
  const { clock, path, signal } = options;
  if (signal.aborted) return Promise.resolve({ type: 'stopped' });
  const startedAt = clock.now();
  let events = 0;
  let controller: AbortController | undefined;
  let resolveEnd: (end: WatchEnd) => void = () => undefined;
  const ended = new Promise<WatchEnd>((resolve) => (resolveEnd = resolve));
  let settled = false;

  const finish = (end: WatchEnd): void => {
    if (settled) return;
    settled = true;
    cancelStall();
    signal.removeEventListener('abort', onAbort);
    controller?.abort();
    resolveEnd(end);
  };
  const onAbort = (): void => finish({ type: 'stopped' });
  const cancelStall = clock.setTimeout(() => {
    const message = `WATCH ${path}: no end after ${options.stallMs} ms`;
    finish({ type: 'failed', error: new ClusterSourceError('CLUSTER_ERR_WATCH_STALLED', message) });
  }, options.stallMs);
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
  const call = options.watch.watch(path, { ...options.query }, onEvent, onDone).then(
    (c) => {
      controller = c;
      if (settled) c.abort();
      else options.onOpen();
    },
    (err: unknown) => finish(endForError(err, path)),
  );
  return ended.then((end) => (end.type === 'stopped' ? call.then(() => end) : end));
}
