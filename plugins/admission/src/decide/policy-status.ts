import { staleDepartmentStatuses, type DepartmentStatusView } from './department-status.js';
import {
  servedNamespacePolicies,
  staleNamespacePolicyStatuses,
  type NamespacePolicyStatusView,
} from './namespace-policy-status.js';
import { statusKey, type PolicyStatusUpdate } from './policy-status-target.js';

/** What every policy status is computed from (the cluster snapshot). */
export type PolicyStatusView = DepartmentStatusView & NamespacePolicyStatusView;

/**
 * Given the snapshot and the time now (a metav1.Time), returns every Department and NamespacePolicy
 * whose status differs from what the snapshot computes (staleDepartmentStatuses,
 * staleNamespacePolicyStatuses). Empty when all are current.
 */
export function stalePolicyStatuses(view: PolicyStatusView, now: string): PolicyStatusUpdate[] {
  return [...staleDepartmentStatuses(view, now), ...staleNamespacePolicyStatuses(view, now)];
}

/** The statusKey of every policy object whose status Corral keeps: served, or refused. */
export function policyStatusKeys(view: PolicyStatusView): Set<string> {
  const keys = new Set<string>();
  for (const d of view.departments()) keys.add(statusKey('Department', undefined, d.metadata.name));
  for (const p of servedNamespacePolicies(view))
    keys.add(statusKey('NamespacePolicy', p.metadata.namespace, p.metadata.name));
  for (const p of view.invalidPolicies()) keys.add(statusKey(p.kind, p.namespace, p.name));
  return keys;
}
