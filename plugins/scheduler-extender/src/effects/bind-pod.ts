import {
  CoreV1Api,
  Observable,
  type ConfigurationOptions,
  type KubeConfig,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
import { EXT_ERR, ExtenderError } from '../errors.js';
import type { BindingArgs } from '../transport/bind-envelope.js';

const CONFLICT = 409;

/**
 * How long one API call of a bind may take: below kube-scheduler's extender `httpTimeout` (5 s in
 * deploy/), so that no binding is still being created after kube-scheduler gave up on it and
 * scheduled the pod again.
 */
export const DEFAULT_BIND_CALL_TIMEOUT_MS = 4000;

/** client-node's fetch takes the request context's signal; a middleware is how a call sets it. */
function withTimeout(timeoutMs: number): ConfigurationOptions<ObservableMiddleware> {
  const signal = AbortSignal.timeout(timeoutMs);
  return {
    middleware: [
      {
        pre: (context) => {
          context.setSignal(signal);
          return new Observable(Promise.resolve(context));
        },
        post: (context) => new Observable(Promise.resolve(context)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

/**
 * Binds a pod to a node: POST /api/v1/namespaces/{ns}/pods/{name}/binding with a v1 Binding (the
 * pod's UID as a precondition), each API call given up after `timeoutMs`. Idempotent: a 409 because
 * this very pod (same UID) is already bound to that very node (a retry after a lost answer) is
 * success. kube-apiserver answers 409 as well when the UID precondition fails (the pod was deleted
 * and recreated under its name) or the pod is being deleted: those, and a pod bound elsewhere, are
 * EXT_ERR_BIND_CONFLICT.
 */
export function podBinder(
  kubeConfig: KubeConfig,
  { timeoutMs = DEFAULT_BIND_CALL_TIMEOUT_MS }: { readonly timeoutMs?: number } = {},
): { bind(args: BindingArgs): Promise<void> } {
  const api = kubeConfig.makeApiClient(CoreV1Api);
  return {
    async bind(args) {
      try {
        await api.createNamespacedPodBinding(
          {
            name: args.podName,
            namespace: args.podNamespace,
            body: {
              apiVersion: 'v1',
              kind: 'Binding',
              metadata: {
                name: args.podName,
                namespace: args.podNamespace,
                ...(args.podUid ? { uid: args.podUid } : {}),
              },
              target: { apiVersion: 'v1', kind: 'Node', name: args.node },
            },
          },
          withTimeout(timeoutMs),
        );
      } catch (error) {
        if (statusOf(error) !== CONFLICT) throw bindFailed(args, error);
        const stored = await storedPod(api, args, timeoutMs).catch((cause: unknown) => {
          throw bindFailed(args, cause);
        });
        const samePod = args.podUid === '' || stored.uid === args.podUid;
        if (samePod && stored.nodeName === args.node) return;
        throw new ExtenderError(EXT_ERR.BIND_CONFLICT, conflictMessage(args, stored, samePod), {
          cause: error,
        });
      }
    },
  };
}

interface StoredPod {
  readonly uid: string | undefined;
  readonly nodeName: string | undefined;
}

async function storedPod(api: CoreV1Api, args: BindingArgs, timeoutMs: number): Promise<StoredPod> {
  const pod = await api.readNamespacedPod(
    { name: args.podName, namespace: args.podNamespace },
    withTimeout(timeoutMs),
  );
  return { uid: pod.metadata?.uid, nodeName: pod.spec?.nodeName };
}

function conflictMessage(args: BindingArgs, stored: StoredPod, samePod: boolean): string {
  const pod = `pod ${args.podNamespace}/${args.podName}`;
  if (!samePod)
    return `${pod} (uid ${args.podUid}) no longer exists: the pod of that name now has uid ${stored.uid ?? '(none)'}`;
  if (!stored.nodeName) return `${pod} cannot be bound now (it is being deleted?)`;
  return `${pod} is already bound to node ${stored.nodeName}, not ${args.node}`;
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function bindFailed(args: BindingArgs, cause: unknown): ExtenderError {
  const status = statusOf(cause);
  return new ExtenderError(
    EXT_ERR.BIND_FAILED,
    `binding pod ${args.podNamespace}/${args.podName} to node ${args.node} failed` +
      (status === undefined ? '' : ` (HTTP ${status})`),
    { cause },
  );
}
