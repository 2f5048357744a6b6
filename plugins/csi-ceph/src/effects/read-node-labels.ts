import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

/** This node's labels, read once at start (one GET of the Node object; the node plugin keeps no watch). */
export async function readNodeLabels(
  kubeConfig: KubeConfig,
  nodeName: string,
): Promise<Record<string, string>> {
  const node = await kubeConfig.makeApiClient(CoreV1Api).readNode({ name: nodeName });
  return { ...(node.metadata?.labels ?? {}) };
}
