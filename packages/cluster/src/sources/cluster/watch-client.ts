import { type KubeConfig, Watch } from '@kubernetes/client-node';

/**
 * One watch request: client-node's `Watch.watch` plus `signal`, which aborts the request at any
 * time, also before the response headers arrive. Resolves (with client-node's controller) once the
 * request has been answered or has failed; `done` is called once, on the end or the failure.
 */
export interface WatchClient {
  watch(
    path: string,
    query: Record<string, string | number | boolean>,
    callback: (phase: string, apiObj: unknown) => void,
    done: (err: unknown) => void,
    signal: AbortSignal,
  ): Promise<AbortController>;
}

/** The part of a KubeConfig that client-node 1.4's `Watch` reads. */
type WatchConfig = Pick<KubeConfig, 'getCurrentCluster' | 'applyToFetchOptions'>;

/**
 * Makes `init.signal` the union of `signal` and whatever signal the caller later assigns to it.
 * client-node 1.4's `Watch.watch` takes no signal: it creates its own AbortController, assigns its
 * signal to the fetch options it got from `applyToFetchOptions`, and hands the controller back only
 * once the response headers have arrived, so a request whose headers never come cannot be aborted.
 */
function joinSignal<T extends object>(init: T, signal: AbortSignal): T {
  let joined = signal;
  Object.defineProperty(init, 'signal', {
    configurable: true,
    enumerable: true,
    get: () => joined,
    set: (own: AbortSignal | undefined) => {
      joined = own === undefined ? signal : AbortSignal.any([own, signal]);
    },
  });
  return init;
}

/**
 * A WatchClient on client-node's `Watch` (HTTP, auth, TLS, line splitting), given a KubeConfig view
 * per request whose fetch options carry that request's signal. Aborting the signal makes fetch
 * reject, so client-node calls `done` with the abort error and resolves: nothing is left open.
 */
export function makeWatchClient(kubeConfig: KubeConfig): WatchClient {
  return {
    watch(path, query, callback, done, signal) {
      const config: WatchConfig = {
        getCurrentCluster: () => kubeConfig.getCurrentCluster(),
        applyToFetchOptions: async (opts) => joinSignal(await kubeConfig.applyToFetchOptions(opts), signal),
      };
      return new Watch(config as KubeConfig).watch(path, { ...query }, callback, done);
    },
  };
}
