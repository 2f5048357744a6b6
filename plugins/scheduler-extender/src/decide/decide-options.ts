import { DEFAULT_GPU_RESOURCES } from '@corral/cluster';

/** What the decisions are configured with (from config.ts). */
export interface DecideOptions {
  /** Namespaces whose pods pass through untouched (kube-system, Corral's own). */
  readonly systemNamespaces: ReadonlySet<string>;
  /** Extended resources that make a GPU workload and a GPU node. */
  readonly gpuResources: readonly string[];
}

export const DEFAULT_SYSTEM_NAMESPACES: readonly string[] = Object.freeze(['kube-system', 'corral-system']);

export const DEFAULT_DECIDE_OPTIONS: DecideOptions = Object.freeze({
  systemNamespaces: new Set(DEFAULT_SYSTEM_NAMESPACES),
  gpuResources: DEFAULT_GPU_RESOURCES,
});

/** Given config values, returns decide options. */
export function decideOptions(
  systemNamespaces: readonly string[],
  gpuResources: readonly string[],
): DecideOptions {
  return { systemNamespaces: new Set(systemNamespaces), gpuResources: [...gpuResources] };
}
