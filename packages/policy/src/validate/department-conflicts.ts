import type { Department } from '../schema/department.js';
import { departmentClaimsNamespace } from '../selector/department-selector.js';
import { compareByAge, whyWins } from './conflict-order.js';
import type { FieldProblem } from './field-problem.js';
import { radosNamespaceOf, storageKey, type NamespaceInfo } from './policy-set.js';
import type { PolicyProblem } from './problem.js';

export interface DepartmentProblem extends FieldProblem {
  readonly department: Department;
}

const CLAIM_FIELD = '/spec/namespaceSelector';

/**
 * Is this cross-object problem a namespace claimed by several departments? Those are settled per
 * namespace (the oldest department gets it; each keeps its other namespaces), never by leaving a
 * department out.
 */
export function isNamespaceClaimProblem(problem: { readonly kind: string; readonly field: string }): boolean {
  return problem.kind === 'Department' && problem.field === CLAIM_FIELD;
}

/**
 * What a cross-object problem is about, without the values its message quotes (a quota, a list of
 * registries): its object, its field and, for a namespace claimed twice, the claim (its message
 * names the namespace and the winner). Two versions of a policy set compare their problems by it, so
 * that a problem whose message only quotes a changed value is the same problem, not a new one.
 */
export function problemIdentity(problem: PolicyProblem): string {
  const object = `${problem.kind} ${problem.namespace ?? ''}/${problem.name} ${problem.field}`;
  return isNamespaceClaimProblem(problem) ? `${object} ${problem.message}` : object;
}

/** A namespace claimed by several departments: a problem on each loser, naming the winner and the namespace. */
export function namespaceClaimProblems(
  departments: readonly Department[],
  namespaces: readonly NamespaceInfo[],
): DepartmentProblem[] {
  const sorted = [...departments].sort(compareByAge);
  return namespaces.flatMap((namespace) => {
    const [winner, ...losers] = sorted.filter((department) =>
      departmentClaimsNamespace(department, namespace.labels),
    );
    if (winner === undefined) return [];
    return losers.map((loser) => ({
      department: loser,
      field: CLAIM_FIELD,
      message:
        `namespace ${namespace.name} is also claimed by Department ${winner.metadata.name} ` +
        `(${whyWins(winner, loser)}), so it belongs to ${winner.metadata.name}; a namespace belongs to one department`,
    }));
  });
}

/** Departments on the same pool and RADOS namespace: no tenant isolation in Ceph. A problem on each loser. */
export function storageConflictProblems(departments: readonly Department[]): DepartmentProblem[] {
  const winners = new Map<string, Department>();
  return [...departments].sort(compareByAge).flatMap((department) => {
    const key = storageKey(department);
    if (key === undefined) return [];
    const winner = winners.get(key);
    if (winner === undefined) {
      winners.set(key, department);
      return [];
    }
    const storage = department.spec.storage;
    const where = storage?.radosNamespace
      ? `radosNamespace ${storage.radosNamespace} in pool ${storage.pool}`
      : `radosNamespace ${radosNamespaceOf(department)} (the department's name, as none is set) in pool ${storage?.pool}`;
    return [
      {
        department,
        field: '/spec/storage',
        message:
          `${where} is also used by Department ${winner.metadata.name} (${whyWins(winner, department)}); ` +
          'departments must not share a RADOS namespace, so Corral ignores this Department until its storage changes ' +
          '(give it its own spec.storage.radosNamespace)',
      },
    ];
  });
}
