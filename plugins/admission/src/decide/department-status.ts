import type { ClusterSnapshot } from '@corral/cluster';
import { formatUsage } from '@corral/cluster';
import type { Department } from '@corral/policy';
import { staleStatus, statusTargets, type PolicyStatusUpdate } from './policy-status-target.js';

/**
 * What Corral writes into a Department's status: its namespaces, their pooled usage, the generation
 * judged, its conditions.
 */
export type DepartmentStatusUpdate = PolicyStatusUpdate<Department>;

/** What the Department statuses are computed from. */
export type DepartmentStatusView = Pick<
  ClusterSnapshot,
  'departments' | 'namespacesOfDepartment' | 'usageOfDepartment' | 'invalidPolicies'
>;

/**
 * Given the snapshot and the time now (a metav1.Time), returns the Departments whose status
 * (namespaces, used, observedGeneration, the `Valid` condition) differs from what the snapshot
 * computes, with the full new status (other status fields and conditions kept). A Department whose
 * newest copy is refused is judged on that copy (its status, its generation): Valid=False, and, when
 * no valid copy is served, no namespaces and no usage. Empty when all are current.
 */
export function staleDepartmentStatuses(view: DepartmentStatusView, now: string): DepartmentStatusUpdate[] {
  const targets = statusTargets<Department>('Department', view.departments(), view.invalidPolicies());
  return targets.flatMap((target) => {
    const namespaces = [...view.namespacesOfDepartment(target.name)].sort();
    const used = formatUsage(view.usageOfDepartment(target.name));
    return staleStatus(target, { namespaces, used }, now) ?? [];
  });
}
