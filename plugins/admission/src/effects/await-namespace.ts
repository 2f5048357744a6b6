import type { ClusterSnapshot } from '@corral/cluster';

/**
 * Resolves true once the snapshot holds Namespace `name`, false after `waitMs` (or when `signal`
 * aborts) if it still does not. kube-apiserver refuses objects in a namespace that does not exist,
 * so with a cluster an unknown namespace means the watch has not delivered it yet: a manifest that
 * creates a Namespace and its workload together reaches the webhooks within milliseconds of the
 * Namespace. Resolves at once when the namespace is known.
 */
export function awaitNamespace(
  snapshot: Pick<ClusterSnapshot, 'namespace' | 'onApplied'>,
  name: string,
  waitMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  if (snapshot.namespace(name) !== undefined) return Promise.resolve(true);
  if (waitMs <= 0 || signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = () => {
      stop();
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      resolve(snapshot.namespace(name) !== undefined);
    };
    const stop = snapshot.onApplied(({ kind, key }) => {
      if (kind === 'Namespace' && key === name) finish();
    });
    const timer = setTimeout(finish, waitMs);
    signal?.addEventListener('abort', finish, { once: true });
  });
}
