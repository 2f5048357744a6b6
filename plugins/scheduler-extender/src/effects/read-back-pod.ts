import { setTimeout as sleep } from 'node:timers/promises';
import { Observable, type CoreV1Api } from '@kubernetes/client-node';
import { abortableCall } from '@corral/runtime';
import type { PodReadBack } from '../decide/bind-read-back.js';
import type { BindingArgs } from '../transport/bind-envelope.js';

const NOT_FOUND = 404;
const TOO_MANY_REQUESTS = 429;

/** How a pod is read back after a binding call of unknown outcome. */
export interface ReadBackOptions {
  /** Wait this long before the first read, so that a binding kube-apiserver was still writing lands. */
  readonly delayMs?: number;
  /** Each GET is given up after this long. */
  readonly attemptTimeoutMs?: number;
  /** At most this many GETs. */
  readonly attempts?: number;
  /** Pause before the second GET; doubled before each further one. */
  readonly retryDelayMs?: number;
}

/** The defaults: read 0.5 s after the failure, at most 3 GETs of 1 s each; at most ~4 s in all. */
export const DEFAULT_READ_BACK: Required<ReadBackOptions> = {
  delayMs: 500,
  attemptTimeoutMs: 1000,
  attempts: 3,
  retryDelayMs: 250,
};

/**
 * Reads the pod of a failed bind back: GET /api/v1/namespaces/{ns}/pods/{name} (a consistent read),
 * retried after a server error (5xx, 429), a lost connection or a GET given up at its timeout.
 * Answers what the API holds (`found: false` on 404), or undefined when no GET succeeded or the API
 * refused the read (e.g. 403): then nothing is known. Never throws.
 */
export function podReadBack(
  api: CoreV1Api,
  options: ReadBackOptions = {},
): (args: BindingArgs) => Promise<PodReadBack | undefined> {
  const { delayMs, attemptTimeoutMs, attempts, retryDelayMs } = { ...DEFAULT_READ_BACK, ...options };
  return async (args) => {
    await sleep(delayMs, undefined, { ref: false });
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(retryDelayMs * 2 ** (attempt - 2), undefined, { ref: false });
      try {
        const pod = await api.readNamespacedPod(
          { name: args.podName, namespace: args.podNamespace },
          abortableCall(AbortSignal.timeout(attemptTimeoutMs), Observable),
        );
        return { found: true, uid: pod.metadata?.uid ?? '', nodeName: pod.spec?.nodeName };
      } catch (error) {
        const status = statusOf(error);
        if (status === NOT_FOUND) return { found: false };
        if (!worthRetrying(status)) return undefined;
      }
    }
    return undefined;
  };
}

/** No HTTP answer (a lost connection, a timeout), a server error or throttling. */
function worthRetrying(status: number | undefined): boolean {
  return status === undefined || status >= 500 || status === TOO_MANY_REQUESTS;
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
