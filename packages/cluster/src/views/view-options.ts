/** Options shared by the converters; the snapshot store passes them through. */
export interface ViewOptions {
  /** Extended resources that make a node a GPU node and a pod a GPU workload. */
  readonly gpuResources: readonly string[];
}

export const DEFAULT_GPU_RESOURCES: readonly string[] = Object.freeze(['nvidia.com/gpu']);

export const DEFAULT_VIEW_OPTIONS: ViewOptions = Object.freeze({ gpuResources: DEFAULT_GPU_RESOURCES });

/** Labels Corral reads on nodes and pods (DESIGN.md "Labels"). */
export const ROLE_LABEL = 'corral.dev/role';
