import { compareQuantities, type Quantity } from '../quantity/quantity.js';
import { registryPrefixCovers } from '../registry/registry-prefix.js';
import type { Department } from '../schema/department.js';
import type { NamespacePolicy } from '../schema/namespace-policy.js';
import { compareByAge, whyWins } from './conflict-order.js';
import type { FieldProblem } from './field-problem.js';
import { joinPointer } from './json-pointer.js';
import { parsedResourceMap } from './resource-map-checks.js';
import { measuredQuotaKey } from './resource-names.js';
import { splitStorageClassQuotaKey } from './storage-class-keys.js';

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
  const outer = tightestByMeasure(department);
  const problems: NamespacePolicyProblem[] = [];
  for (const [key, value] of parsedResourceMap(policy.spec.quota?.hard)) {
    const limit = tightestOf(outer, cappingMeasures(key));
    if (limit === undefined || compareQuantities(value, limit.value) <= 0) continue;
    problems.push({
      policy,
      field: joinPointer('/spec/quota/hard', key),
      message:
        `${String(policy.spec.quota?.hard[key])} is more than Department ${department.metadata.name}'s quota for ` +
        `${limit.key} (${String(department.spec.quota?.hard[limit.key])}); the department's quota still caps the namespace`,
    });
  }
  return problems;
}

/**
 * The measured usages whose limit caps the usage `key` measures: its own, and those never below it.
 * `count/pods` counts terminal pods too, so it caps `pods` (not the other way round); a claim counts
 * in `requests.storage` and `persistentvolumeclaims` whatever its StorageClass, so they cap the
 * per-class keys.
 */
function cappingMeasures(key: string): string[] {
  const measure = measuredQuotaKey(key);
  if (measure === 'pods') return [measure, 'count/pods'];
  const perClass = splitStorageClassQuotaKey(measure);
  return perClass === undefined ? [measure] : [measure, perClass.resource];
}

type Limit = { key: string; value: Quantity };

/** The lowest of the department's limits on `measures`, if it sets any. */
function tightestOf(outer: Map<string, Limit>, measures: readonly string[]): Limit | undefined {
  let tightest: Limit | undefined;
  for (const measure of measures) {
    const limit = outer.get(measure);
    if (limit !== undefined && (tightest === undefined || compareQuantities(limit.value, tightest.value) < 0))
      tightest = limit;
  }
  return tightest;
}

/**
 * The department's lowest limit per measured usage (`cpu` and `requests.cpu` both cap requests,
 * `count/persistentvolumeclaims` and `persistentvolumeclaims` both count claims: measuredQuotaKey).
 */
function tightestByMeasure(department: Department): Map<string, { key: string; value: Quantity }> {
  const tightest = new Map<string, { key: string; value: Quantity }>();
  for (const [key, value] of parsedResourceMap(department.spec.quota?.hard)) {
    const measure = measuredQuotaKey(key);
    const known = tightest.get(measure);
    if (known === undefined || compareQuantities(value, known.value) < 0)
      tightest.set(measure, { key, value });
  }
  return tightest;
}
