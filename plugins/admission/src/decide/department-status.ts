import type { ClusterSnapshot } from '@corral/cluster';
import { formatUsage } from '@corral/cluster';
import type { Department } from '@corral/policy';

/** What Corral writes into a Department's status: its namespaces and their pooled usage. */
export interface DepartmentStatusUpdate {
  readonly name: string;
  readonly status: NonNullable<Department['status']>;
}

type StatusView = Pick<ClusterSnapshot, 'departments' | 'namespacesOfDepartment' | 'usageOfDepartment'>;

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Given the snapshot, returns the Departments whose status (namespaces, used) differs from what the
 * snapshot computes, with the full new status (other status fields kept). Empty when all are current.
 */
export function staleDepartmentStatuses(view: StatusView): DepartmentStatusUpdate[] {
  const updates: DepartmentStatusUpdate[] = [];
  for (const department of view.departments()) {
    const name = department.metadata.name;
    const namespaces = [...view.namespacesOfDepartment(name)].sort();
    const used = formatUsage(view.usageOfDepartment(name));
    const current = department.status;
    if (same(current?.namespaces, namespaces) && same(current?.used, used)) continue;
    updates.push({ name, status: { ...current, namespaces, used } });
  }
  return updates;
}
