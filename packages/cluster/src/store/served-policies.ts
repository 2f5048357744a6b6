import type { Department, NamespacePolicy } from '@corral/policy';
import type { PolicyChecks } from './policy-checks.js';

/** What changed in the served Departments. */
export interface ServedDepartmentChanges {
  readonly put: readonly Department[];
  readonly removed: readonly string[];
}

/**
 * The policy objects the services decide from: the applied (last good) ones, less those that lose
 * a conflict (a second NamespacePolicy in a namespace, a Department sharing another's storage).
 * Recomputed on policy changes only, which are rare and few.
 */
export class ServedPolicies {
  readonly departments = new Map<string, Department>();
  readonly byNamespace = new Map<string, NamespacePolicy>();

  constructor(private readonly checks: PolicyChecks) {}

  update(departments: Iterable<Department>, policies: Iterable<NamespacePolicy>): ServedDepartmentChanges {
    const served = this.checks.resolveConflicts({
      departments: [...departments],
      policies: [...policies],
      namespaces: [],
    });
    this.byNamespace.clear();
    for (const policy of served.policies) this.byNamespace.set(policy.metadata.namespace ?? '', policy);
    const next = new Map(served.departments.map((department) => [department.metadata.name, department]));
    const removed = [...this.departments.keys()].filter((name) => !next.has(name));
    const put = [...next.values()].filter(
      (department) => this.departments.get(department.metadata.name) !== department,
    );
    for (const name of removed) this.departments.delete(name);
    for (const department of put) this.departments.set(department.metadata.name, department);
    return { put, removed };
  }
}
