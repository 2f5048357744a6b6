import { DEPARTMENT_LABEL } from '../schema/department.js';
import { departmentClaimsNamespace } from '../selector/department-selector.js';
import type { DepartmentProblem } from './department-conflicts.js';
import type { NamespaceInfo, PolicySet } from './policy-set.js';

/** The label kube-apiserver sets on every namespace, to its name. */
const NAME_LABEL = 'kubernetes.io/metadata.name';

type Namespaces = Pick<PolicySet, 'namespaces' | 'systemNamespaces'>;

/** The set's namespaces that may join a department: all but the system namespaces. */
export function memberNamespaces(set: Namespaces): readonly NamespaceInfo[] {
  const system = set.systemNamespaces ?? [];
  return system.length === 0 ? set.namespaces : set.namespaces.filter((ns) => !system.includes(ns.name));
}

/**
 * Each system namespace with its labels: the set's, else (not listed) only the name label every
 * namespace carries.
 */
function systemNamespaces(set: Namespaces): NamespaceInfo[] {
  return (set.systemNamespaces ?? []).map((name) => {
    const labels = set.namespaces.find((namespace) => namespace.name === name)?.labels;
    return { name, labels: { ...labels, [NAME_LABEL]: name } };
  });
}

/**
 * A Department whose namespaceSelector selects a system namespace (kube-system, Corral's own): such
 * a namespace never joins a department, as an empty selector would make kube-system join (refused
 * by department-checks.ts), so the selector says what Corral will not do. One problem per Department,
 * naming the namespaces and the fix.
 */
export function systemNamespaceProblems(
  set: Pick<PolicySet, 'departments'> & Namespaces,
): DepartmentProblem[] {
  const system = systemNamespaces(set);
  if (system.length === 0) return [];
  return set.departments.flatMap((department) => {
    const selected = system
      .filter((namespace) => departmentClaimsNamespace(department, namespace.labels))
      .map((namespace) => namespace.name);
    if (selected.length === 0) return [];
    const [what, join, them] =
      selected.length === 1 ? ['namespace', 'joins', 'it'] : ['namespaces', 'join', 'them'];
    return [
      {
        department,
        field: '/spec/namespaceSelector',
        message:
          `the namespaceSelector selects system ${what} ${selected.join(', ')}, which never ${join} a ` +
          `department; exclude ${them} with a matchExpressions term {key: ${NAME_LABEL}, operator: ` +
          `NotIn, values: [${selected.join(', ')}]}, or omit namespaceSelector to use ` +
          `${DEPARTMENT_LABEL}=${department.metadata.name}`,
      },
    ];
  });
}
