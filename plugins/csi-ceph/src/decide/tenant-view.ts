/** The tenant view placement needs, read from the cluster snapshot. */
import type { ClusterSnapshot } from '@corral/cluster';
import type { TenantView } from './placement.js';

/**
 * The view of `snapshot`; with `cluster` (the snapshot watches a cluster, not only policy files) it
 * tells which namespaces it holds (TenantView.holdsNamespace).
 */
export function tenantViewOf(snapshot: ClusterSnapshot, options: { cluster?: boolean } = {}): TenantView {
  return {
    ...(options.cluster ? { holdsNamespace: (ns: string) => snapshot.namespace(ns) !== undefined } : {}),
    departmentOfNamespace: (ns) => snapshot.departmentOfNamespace(ns),
    unservedDepartmentOf: (ns) =>
      snapshot.departmentOfNamespace(ns) === undefined
        ? snapshot.isolationDepartmentOfNamespace(ns)
        : undefined,
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
