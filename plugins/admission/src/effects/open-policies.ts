import { openSnapshot, type OpenedSnapshot } from '@corral/cluster';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ADM_ERR, AdmissionError } from '../errors.js';

export interface OpenPoliciesOptions {
  readonly policies?: string;
  /** From loadKubeConfig; absent = everything from the policy files. */
  readonly kubeConfig?: KubeConfig;
  readonly gpuResources: readonly string[];
  /** Never any department's, whatever their labels (--system-namespaces). */
  readonly systemNamespaces?: readonly string[];
  readonly logger: Logger;
  readonly readiness: (condition: string, ok: boolean, reason?: string) => void;
}

/** Opens the cluster snapshot from policy files, a kubeconfig, or the in-cluster service account. */
export async function openPolicies(options: OpenPoliciesOptions): Promise<OpenedSnapshot> {
  try {
    return await openSnapshot({
      ...(options.policies ? { policies: options.policies } : {}),
      ...(options.kubeConfig ? { kubeConfig: options.kubeConfig } : {}),
      gpuResources: options.gpuResources,
      ...(options.systemNamespaces ? { systemNamespaces: options.systemNamespaces } : {}),
      logger: options.logger,
      readiness: options.readiness,
    });
  } catch (cause) {
    const what = options.policies ?? 'the cluster';
    throw new AdmissionError(ADM_ERR.POLICIES, `cannot open policies from ${what}`, { cause });
  }
}

/** Loads a kubeconfig file, or the in-cluster service account; undefined when neither is asked for. */
export async function loadKubeConfig(options: {
  readonly kubeconfig?: string;
  readonly inCluster?: boolean;
}): Promise<KubeConfig | undefined> {
  if (!options.kubeconfig && !options.inCluster) return undefined;
  try {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const config = new KubeConfig();
    if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
    else config.loadFromCluster();
    return config;
  } catch (cause) {
    const what = options.kubeconfig ?? 'the in-cluster service account';
    throw new AdmissionError(ADM_ERR.POLICIES, `cannot load a kubeconfig from ${what}`, { cause });
  }
}
