import { KubeConfig } from '@kubernetes/client-node';

/** `--kubeconfig PATH`, or `in-cluster` for the pod's service account. */
export function loadKubeConfig(path: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (path === 'in-cluster') kubeConfig.loadFromCluster();
  else kubeConfig.loadFromFile(path);
  return kubeConfig;
}
