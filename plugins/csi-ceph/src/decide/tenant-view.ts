/** The tenant view placement needs, read from the cluster snapshot. */
import type { ClusterSnapshot } from '@corral/cluster';
import type { TenantView } from './placement.js';

export function tenantViewOf(snapshot: ClusterSnapshot): TenantView {
  return {
    departmentOfNamespace: (ns) => snapshot.departmentOfNamespace(ns),
    department: (name) => snapshot.department(name),
    claimUsage: (department, pvc) => {
      const used = snapshot.usageOfDepartment(department);
      const claim = pvc ? snapshot.pvc(pvc.namespace, pvc.name) : undefined;
      if (claim === undefined || snapshot.departmentOfNamespace(claim.namespace) !== department)
        return { used, counted: false };
      return { used, counted: true, ...(claim.storageClass ? { storageClass: claim.storageClass } : {}) };
    },
    storageSpaces: () =>
      [...snapshot.departments()].flatMap((d) =>
        d.spec.storage
          ? [{ pool: d.spec.storage.pool, namespace: d.spec.storage.radosNamespace ?? d.metadata.name }]
          : [],
      ),
  };
}
