/** The tenant view placement needs, read from the cluster snapshot. */
import type { ClusterSnapshot } from '@corral/cluster';
import type { TenantView } from './placement.js';

const NANO = 1_000_000_000n;

export function tenantViewOf(snapshot: ClusterSnapshot): TenantView {
  return {
    departmentOfNamespace: (ns) => snapshot.departmentOfNamespace(ns),
    department: (name) => snapshot.department(name),
    storageUsed: (department, pvc) => {
      const nanos = snapshot.usageOfDepartment(department).get('requests.storage') ?? 0n;
      const claim = pvc ? snapshot.pvc(pvc.namespace, pvc.name) : undefined;
      const counted = claim !== undefined && snapshot.departmentOfNamespace(claim.namespace) === department;
      return { bytes: nanos / NANO, counted };
    },
    storageSpaces: () =>
      [...snapshot.departments()].flatMap((d) =>
        d.spec.storage
          ? [{ pool: d.spec.storage.pool, namespace: d.spec.storage.radosNamespace ?? d.metadata.name }]
          : [],
      ),
  };
}
