import {
  CoreV1Api,
  Observable,
  type ConfigurationOptions,
  type KubeConfig,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
import { abortableCall } from '@corral/runtime';
import { EXT_ERR, ExtenderError } from '../errors.js';
import type { PodReadBack } from '../decide/bind-read-back.js';
import { mayHaveBound, type BindFailure } from './bind-outcome.js';
import { podReadBack, type ReadBackOptions } from './read-back-pod.js';
import type { BindingArgs } from '../transport/bind-envelope.js';

const CONFLICT = 409;

/**
 * How long a bind's API calls may take together: below kube-scheduler's extender `httpTimeout`
 * (5 s in deploy/), so that no binding is still being created after kube-scheduler gave up on it
 * and scheduled the pod again.
 */
export const DEFAULT_BIND_CALL_TIMEOUT_MS = 4000;

const withSignal = (signal: AbortSignal): ConfigurationOptions<ObservableMiddleware> =>
  abortableCall(signal, Observable);

/**
 * Binds a pod to a node: POST /api/v1/namespaces/{ns}/pods/{name}/binding with a v1 Binding (the
 * pod's UID as a precondition), its calls given up after `timeoutMs` together. Idempotent: a 409 because
 * this very pod (same UID) is already bound to that very node (a retry after a lost answer) is
 * success. kube-apiserver answers 409 as well when the UID precondition fails (the pod was deleted
 * and recreated under its name) or the pod is being deleted: those, and a pod bound elsewhere, are
 * EXT_ERR_BIND_CONFLICT (the latter with `details.boundTo`, the node it is bound to).
 * `readBack` reads the pod back after a bind of unknown outcome (see podReadBack; `readBack` options
 * for its timing).
 */
export function podBinder(
  kubeConfig: KubeConfig,
  {
    timeoutMs = DEFAULT_BIND_CALL_TIMEOUT_MS,
    readBack = {},
  }: { readonly timeoutMs?: number; readonly readBack?: ReadBackOptions } = {},
): {
  bind(args: BindingArgs): Promise<void>;
  readBack(args: BindingArgs): Promise<PodReadBack | undefined>;
} {
  const api = kubeConfig.makeApiClient(CoreV1Api);
  return {
    readBack: podReadBack(api, readBack),
    async bind(args) {
      const signal = AbortSignal.timeout(timeoutMs);
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
          withSignal(signal),
        );
      } catch (error) {
        if (statusOf(error) !== CONFLICT) throw bindFailed(args, error, failureOf(error, signal));
        // After a 409 nothing was created, whatever the read-back does.
        const stored = await storedPod(api, args, signal).catch((cause: unknown) => {
          throw bindFailed(args, cause);
        });
        const samePod = args.podUid === '' || stored.uid === args.podUid;
        if (samePod && stored.nodeName === args.node) return;
        const boundTo = samePod ? stored.nodeName : undefined;
        throw new ExtenderError(EXT_ERR.BIND_CONFLICT, conflictMessage(args, stored, samePod), {
          cause: error,
          ...(boundTo ? { details: { boundTo } } : {}),
        });
      }
    },
  };
}

interface StoredPod {
  readonly uid: string | undefined;
  readonly nodeName: string | undefined;
}

async function storedPod(api: CoreV1Api, args: BindingArgs, signal: AbortSignal): Promise<StoredPod> {
  const pod = await api.readNamespacedPod(
    { name: args.podName, namespace: args.podNamespace },
    withSignal(signal),
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

/** The binding POST's failure: its HTTP status, else its system error code (`ECONNRESET`...). */
function failureOf(error: unknown, signal: AbortSignal): BindFailure {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    ...(typeof code === 'number' ? { status: code } : {}),
    ...(typeof code === 'string' ? { code } : {}),
    aborted: signal.aborted,
  };
}

/** How a binding POST that may have bound the pod failed, for the Error text. */
function unknownOutcome({ aborted, status, code }: BindFailure): string {
  if (aborted) return 'got no answer in time: the binding may exist';
  if (status !== undefined) return `failed (HTTP ${status}): the binding may exist`;
  return `lost its connection (${code ?? 'no answer'}): the binding may exist`;
}

/**
 * A failed bind. A binding POST that may still have been created (given up at the timeout, a 5xx,
 * the connection lost once sent: see mayHaveBound) has an unknown outcome: `details.outcomeUnknown`,
 * so that the caller keeps the pod assumed on the node until a read-back (readBack) or the watch
 * tells; after a 409 nothing was created, whatever the read-back does.
 */
function bindFailed(args: BindingArgs, cause: unknown, failure?: BindFailure): ExtenderError {
  const status = statusOf(cause);
  const where = `binding pod ${args.podNamespace}/${args.podName} to node ${args.node}`;
  if (failure && mayHaveBound(failure)) {
    return new ExtenderError(EXT_ERR.BIND_FAILED, `${where} ${unknownOutcome(failure)}`, {
      cause,
      details: { outcomeUnknown: true },
    });
  }
  return new ExtenderError(
    EXT_ERR.BIND_FAILED,
    `${where} failed` + (status === undefined ? '' : ` (HTTP ${status})`),
    { cause },
  );
}
