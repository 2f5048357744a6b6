import { compareQuantities } from '../quantity/quantity.js';
import { registryPrefixCovers } from '../registry/registry-prefix.js';
import type { Department } from '../schema/department.js';
import type { NamespacePolicy } from '../schema/namespace-policy.js';
import { compareByAge, whyWins } from './conflict-order.js';
import type { FieldProblem } from './field-problem.js';
import { joinPointer } from './json-pointer.js';
import { parsedResourceMap } from './resource-map-checks.js';

export interface NamespacePolicyProblem extends FieldProblem {
  readonly policy: NamespacePolicy;
}

/** Several NamespacePolicies in one namespace: a problem on each loser. */
export function duplicatePolicyProblems(policies: readonly NamespacePolicy[]): NamespacePolicyProblem[] {
  const winners = new Map<string, NamespacePolicy>();
  return [...policies].sort(compareByAge).flatMap((policy) => {
    const namespace = policy.metadata.namespace ?? '';
    const winner = winners.get(namespace);
    if (winner === undefined) {
      winners.set(namespace, policy);
      return [];
    }
    return [
      {
        policy,
        field: '/metadata/name',
        message:
          `namespace ${namespace} already has NamespacePolicy ${winner.metadata.name} (${whyWins(winner, policy)}); ` +
          'only one NamespacePolicy per namespace applies, so Corral ignores this one',
      },
    ];
  });
}

/**
 * A NamespacePolicy may only narrow its department: every allowed registry must lie inside one of
 * the department's (a department without allowedRegistries sets no limit; an empty list allows
 * nothing), and its quota may not exceed the department's for the same key.
 */
export function widerThanDepartmentProblems(
  policy: NamespacePolicy,
  department: Department,
): NamespacePolicyProblem[] {
  return [...registryWidening(policy, department), ...quotaWidening(policy, department)];
}

function registryWidening(policy: NamespacePolicy, department: Department): NamespacePolicyProblem[] {
  const outer = department.spec.images?.allowedRegistries;
  if (outer === undefined) return [];
  const listed = outer.length === 0 ? 'none' : outer.join(', ');
  return (policy.spec.images?.allowedRegistries ?? []).flatMap((prefix, index) =>
    outer.some((allowed) => registryPrefixCovers(allowed, prefix))
      ? []
      : [
          {
            policy,
            field: joinPointer('/spec/images/allowedRegistries', index),
            message:
              `"${prefix}" is outside Department ${department.metadata.name}'s allowedRegistries (${listed}); ` +
              'a NamespacePolicy may only narrow them',
          },
        ],
  );
}

function quotaWidening(policy: NamespacePolicy, department: Department): NamespacePolicyProblem[] {
  const outer = parsedResourceMap(department.spec.quota?.hard);
  const problems: NamespacePolicyProblem[] = [];
  for (const [key, value] of parsedResourceMap(policy.spec.quota?.hard)) {
    const limit = outer.get(key);
    if (limit === undefined || compareQuantities(value, limit) <= 0) continue;
    problems.push({
      policy,
      field: joinPointer('/spec/quota/hard', key),
      message:
        `${String(policy.spec.quota?.hard[key])} is more than Department ${department.metadata.name}'s quota for ${key} ` +
        `(${String(department.spec.quota?.hard[key])}); the department's quota still caps the namespace`,
    });
  }
  return problems;
}
