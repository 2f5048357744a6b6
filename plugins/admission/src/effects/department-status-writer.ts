import type { ClusterSnapshot } from '@corral/cluster';
import type { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { staleDepartmentStatuses } from '../decide/department-status.js';

type StatusApi = Pick<CustomObjectsApi, 'patchClusterCustomObjectStatus'>;

export interface DepartmentStatusWriterOptions {
  readonly snapshot: ClusterSnapshot;
  readonly api: StatusApi;
  readonly logger: Logger;
  /** Coalesce snapshot changes for this long before writing. Default 5 s. */
  readonly delayMs?: number;
}

export interface DepartmentStatusWriter {
  /** Writes every stale status now; resolves when done. */
  flush(): Promise<void>;
  stop(): void;
}

/**
 * Keeps Department `status.namespaces` and `status.used` current (DESIGN.md): after snapshot changes
 * (coalesced), writes each stale status through the status subresource with a JSON Patch. Writing
 * the same value from several replicas is harmless; a failed write is logged and retried on the next
 * change. The snapshot's own copy of the Department shows the write once the watch delivers it.
 */
export function startDepartmentStatusWriter(options: DepartmentStatusWriterOptions): DepartmentStatusWriter {
  const delayMs = options.delayMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const write = async () => {
    for (const update of staleDepartmentStatuses(options.snapshot)) {
      try {
        await options.api.patchClusterCustomObjectStatus({
          group: 'corral.dev',
          version: 'v1alpha1',
          plural: 'departments',
          name: update.name,
          body: [{ op: 'add', path: '/status', value: update.status }],
        });
      } catch (err) {
        options.logger.warn({ err, department: update.name }, 'could not write Department status');
      }
    }
  };
  const flush = () => (running = running.then(write));
  const unsubscribe = options.snapshot.onChange(() => {
    timer ??= setTimeout(() => {
      timer = undefined;
      void flush();
    }, delayMs);
  });
  return {
    flush,
    stop: () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    },
  };
}

/** The status API from a kubeconfig. */
export async function departmentStatusApi(kubeConfig: KubeConfig): Promise<StatusApi> {
  const { CustomObjectsApi } = await import('@kubernetes/client-node');
  return kubeConfig.makeApiClient(CustomObjectsApi);
}
