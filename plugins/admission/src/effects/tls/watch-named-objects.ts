import type { Clock } from '@corral/runtime';
import type { Watch } from '@kubernetes/client-node';

/** One object to watch: its collection path (e.g. `/api/v1/namespaces/ns/secrets`) and its name. */
export interface NamedObject {
  readonly path: string;
  readonly name: string;
}

export interface WatchNamedOptions {
  readonly watch: Pick<Watch, 'watch'>;
  readonly objects: readonly NamedObject[];
  /** Called on every event about one of the objects (including the initial ADDED). */
  readonly onChange: (object: NamedObject) => void;
  /** Called when a watch fails (it is restarted with backoff). */
  readonly onError: (object: NamedObject, err: unknown) => void;
  readonly clock: Clock;
  /** The server ends each watch after this long; it is then opened again. Default 300 s. */
  readonly timeoutSeconds?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

export interface NamedWatches {
  stop(): void;
}

/**
 * Watches single objects by name (`fieldSelector=metadata.name=…`, which RBAC authorizes against
 * resourceNames), only to learn that they changed: the caller reads them itself. Each watch is opened
 * again when the server ends it, and after a failure (or an end right after the start) with capped
 * exponential backoff; a watch that
 * outlives its timeout by a minute without ending is aborted and opened again.
 */
export function watchNamedObjects(options: WatchNamedOptions): NamedWatches {
  const timeoutSeconds = options.timeoutSeconds ?? 300;
  const backoff = options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
  let stopped = false;
  const cancels = new Set<() => void>();

  const run = (object: NamedObject, failures: number): void => {
    if (stopped) return;
    let ended = false;
    const startedAt = options.clock.now();
    let controller: AbortController | undefined;
    const end = (err: unknown) => {
      if (ended) return;
      ended = true;
      cancelStall();
      cancels.delete(abort);
      controller?.abort();
      if (stopped) return;
      // A watch the server ends at once is retried like a failure, so that it never spins.
      const quick = options.clock.now() - startedAt < 1000;
      if (err != null) options.onError(object, err);
      if (err == null && !quick) return void later(0, () => run(object, 0));
      const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** failures);
      later(delay, () => run(object, failures + 1));
    };
    const abort = () => end(undefined);
    const cancelStall = options.clock.after((timeoutSeconds + 60) * 1000, () =>
      end(new Error(`watch of ${object.name} did not end after ${timeoutSeconds} s`)),
    );
    cancels.add(abort);
    options.watch
      .watch(
        object.path,
        { fieldSelector: `metadata.name=${object.name}`, timeoutSeconds },
        (_type, obj: { metadata?: { name?: string } } | undefined) => {
          if (!ended && obj?.metadata?.name === object.name) options.onChange(object);
        },
        end,
      )
      .then((c) => {
        controller = c;
        if (ended) c.abort();
      }, end);
  };
  const later = (ms: number, fn: () => void) => {
    const cancel = options.clock.after(ms, () => {
      cancels.delete(cancel);
      fn();
    });
    cancels.add(cancel);
  };

  for (const object of options.objects) run(object, 0);
  return {
    stop() {
      stopped = true;
      for (const cancel of [...cancels]) cancel();
      cancels.clear();
    },
  };
}
