import type { Department } from '../schema/department.js';
import type { NamespacePolicy } from '../schema/namespace-policy.js';
import { compareText } from './conflict-order.js';
import {
  namespaceClaimProblems,
  storageConflictProblems,
  type DepartmentProblem,
} from './department-conflicts.js';
import {
  duplicatePolicyProblems,
  widerThanDepartmentProblems,
  type NamespacePolicyProblem,
} from './policy-conflicts.js';
import type { PolicyProblem } from './problem.js';
import type { PolicySet } from './policy-set.js';
import { resolveConflicts } from './resolve-conflicts.js';
import { memberNamespaces, systemNamespaceProblems } from './system-namespaces.js';

/**
 * Problems between objects that are each valid on their own: a namespace claimed by two
 * departments, two departments on one pool + radosNamespace, two NamespacePolicies in one
 * namespace, a NamespacePolicy wider than its department (registries or quota). A policy in a
 * namespace no department claims has no department to stay within. With set.systemNamespaces, a
 * Department selecting one of them (which never join a department). Problems come sorted by kind,
 * namespace, name, field and message, whatever the input order.
 */
export function checkPolicySet(set: PolicySet): PolicyProblem[] {
  const resolved = resolveConflicts(set);
  const departmentsByName = new Map(
    resolved.departments.map((department) => [department.metadata.name, department]),
  );
  const widening = resolved.policies.flatMap((policy) => {
    const owner = resolved.namespaceOwners.get(policy.metadata.namespace ?? '');
    const department = owner === undefined ? undefined : departmentsByName.get(owner);
    return department === undefined ? [] : widerThanDepartmentProblems(policy, department);
  });
  const problems = [
    ...[
      ...namespaceClaimProblems(set.departments, memberNamespaces(set)),
      ...systemNamespaceProblems(set),
      ...storageConflictProblems(set.departments),
    ].map((problem) => fromDepartment(problem, set.source)),
    ...[...duplicatePolicyProblems(set.policies), ...widening].map((problem) =>
      fromPolicy(problem, set.source),
    ),
  ];
  return problems.sort(compareProblems);
}

function fromDepartment({ department, field, message }: DepartmentProblem, source?: string): PolicyProblem {
  return problemFor('Department', department, field, message, source);
}

function fromPolicy({ policy, field, message }: NamespacePolicyProblem, source?: string): PolicyProblem {
  return problemFor('NamespacePolicy', policy, field, message, source);
}

function problemFor(
  kind: string,
  object: Department | NamespacePolicy,
  field: string,
  message: string,
  source?: string,
): PolicyProblem {
  const namespace = object.metadata.namespace;
  return {
    ...(source === undefined ? {} : { source }),
    kind,
    name: object.metadata.name,
    ...(namespace === undefined ? {} : { namespace }),
    field,
    message,
  };
}

export function compareProblems(a: PolicyProblem, b: PolicyProblem): number {
  return (
    compareText(a.kind, b.kind) ||
    compareText(a.namespace ?? '', b.namespace ?? '') ||
    compareText(a.name, b.name) ||
    compareText(a.field, b.field) ||
    compareText(a.message, b.message)
  );
}
