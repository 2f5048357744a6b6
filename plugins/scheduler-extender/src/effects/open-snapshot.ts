import { openSnapshot, type ClusterSnapshot } from '@corral/cluster';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';

export interface SnapshotSourceOptions {
  readonly policies?: string;
  readonly kubeConfig?: KubeConfig;
  readonly logger: Logger;
  readonly readiness: (condition: string, ok: boolean, reason?: string) => void;
  readonly gpuResources: readonly string[];
  /** Never any department's, whatever their labels (--system-namespaces). */
  readonly systemNamespaces?: readonly string[];
  readonly watchFiles?: boolean;
}

export interface OpenedSource {
  readonly snapshot: ClusterSnapshot;
  stop(): Promise<void>;
}

/** Opens the extender's snapshot: policy files, cluster informers, or policies from files + the rest from the cluster. */
export async function openExtenderSnapshot(options: SnapshotSourceOptions): Promise<OpenedSource> {
  return openSnapshot(options);
}
