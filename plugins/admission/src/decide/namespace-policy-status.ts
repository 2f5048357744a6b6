import type { ClusterSnapshot } from '@corral/cluster';
import type { NamespacePolicy } from '@corral/policy';
import { staleStatus, statusTargets, type PolicyStatusUpdate } from './policy-status-target.js';

/** What the NamespacePolicy statuses are computed from. */
export type NamespacePolicyStatusView = Pick<
  ClusterSnapshot,
  'namespaces' | 'namespacePolicy' | 'invalidPolicies'
>;

/** The NamespacePolicies the snapshot serves: at most one per namespace it holds. */
export function servedNamespacePolicies(
  view: Pick<NamespacePolicyStatusView, 'namespaces' | 'namespacePolicy'>,
): NamespacePolicy[] {
  const served: NamespacePolicy[] = [];
  for (const { name } of view.namespaces()) {
    const policy = view.namespacePolicy(name);
    if (policy !== undefined) served.push(policy);
  }
  return served;
}

/**
 * Given the snapshot and the time now (a metav1.Time), returns the NamespacePolicies whose `Valid`
 * condition or observedGeneration differs from what the snapshot says, with the full new status
 * (other status fields and conditions kept): True for a served one, False (reason and fields) for
 * one whose newest copy is refused, judged on that copy (observedGeneration is that copy's). A
 * policy that loses to an older one in its namespace is refused (Conflict). Empty when all are
 * current.
 */
export function staleNamespacePolicyStatuses(
  view: NamespacePolicyStatusView,
  now: string,
): PolicyStatusUpdate<NamespacePolicy>[] {
  const served = servedNamespacePolicies(view);
  const targets = statusTargets<NamespacePolicy>('NamespacePolicy', served, view.invalidPolicies());
  return targets.flatMap((target) => staleStatus(target, {}, now) ?? []);
}
