import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { EXT_ERR, ExtenderError } from '../errors.js';
import type { BindingArgs } from '../transport/bind-envelope.js';

const CONFLICT = 409;

/**
 * Binds a pod to a node: POST /api/v1/namespaces/{ns}/pods/{name}/binding with a v1 Binding (the
 * pod's UID as a precondition). Idempotent: a 409 because the pod is already bound to that very node
 * (a retry after a lost answer) is success; bound elsewhere is EXT_ERR_BIND_CONFLICT.
 */
export function podBinder(kubeConfig: KubeConfig): { bind(args: BindingArgs): Promise<void> } {
  const api = kubeConfig.makeApiClient(CoreV1Api);
  return {
    async bind(args) {
      try {
        await api.createNamespacedPodBinding({
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
        });
      } catch (error) {
        if (statusOf(error) !== CONFLICT) throw bindFailed(args, error);
        const bound = await boundNode(api, args).catch((cause: unknown) => {
          throw bindFailed(args, cause);
        });
        if (bound === args.node) return;
        throw new ExtenderError(
          EXT_ERR.BIND_CONFLICT,
          `pod ${args.podNamespace}/${args.podName} is already bound to node ${bound ?? '(unknown)'}, not ${args.node}`,
          { cause: error },
        );
      }
    },
  };
}

async function boundNode(api: CoreV1Api, args: BindingArgs): Promise<string | undefined> {
  const pod = await api.readNamespacedPod({ name: args.podName, namespace: args.podNamespace });
  return pod.spec?.nodeName;
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
