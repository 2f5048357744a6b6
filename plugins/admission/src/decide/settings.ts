/** What the rules need to know about the installation (filled from config.ts). */
export interface RuleSettings {
  /** Namespaces the webhooks never act on: kube-system and Corral's own. */
  readonly systemNamespaces: readonly string[];
  /** Extended resources that make a pod a GPU workload. */
  readonly gpuResources: readonly string[];
  /**
   * The scheduler that calls Corral's extender: `default-scheduler` when the extender is configured
   * in the cluster's kube-scheduler, the second scheduler's name with deploy/overlays/second-scheduler.
   * The mutating webhook sends pods that name no other scheduler to it.
   */
  readonly schedulerName: string;
  /**
   * Who may move a namespace into, out of or between departments (`user:<name>`, `group:<name>`);
   * empty: whoever RBAC lets update the Namespace (see department-editors.ts).
   */
  readonly departmentEditors: readonly string[];
}

export const DEFAULT_RULE_SETTINGS: RuleSettings = Object.freeze({
  systemNamespaces: Object.freeze(['kube-system', 'corral-system']),
  gpuResources: Object.freeze(['nvidia.com/gpu']),
  schedulerName: 'default-scheduler',
  departmentEditors: Object.freeze([]),
});
