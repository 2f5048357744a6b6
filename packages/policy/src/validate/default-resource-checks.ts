import { compareQuantities, type Quantity } from '../quantity/quantity.js';
import type { NamespacePolicy } from '../schema/namespace-policy.js';
import { objectContext, withContext, type FieldProblem } from './field-problem.js';
import { joinPointer } from './json-pointer.js';
import type { PolicyProblem } from './problem.js';
import { parsedResourceMap } from './resource-map-checks.js';
import { isExtendedResourceName, isHugePagesResourceName } from './resource-names.js';

/**
 * Defaults of a valid NamespacePolicy that would make every pod they are written into fail
 * kube-apiserver's validation (Kubernetes' rules for resources that cannot be overcommitted:
 * extended resources such as nvidia.com/gpu, and huge pages): a limit must be set, a request must
 * equal it, and an extended resource comes in whole units. Checked when a policy is written (the
 * admission webhook, `corral check`), not when one is loaded: a policy stored before this check
 * keeps its quota and image rules instead of being dropped whole.
 */
export function unusableDefaultProblems(policy: NamespacePolicy, source?: string): PolicyProblem[] {
  const requests = parsedResourceMap(policy.spec.defaults?.requests);
  const limits = parsedResourceMap(policy.spec.defaults?.limits);
  return withContext(
    objectContext(policy, 'NamespacePolicy', source),
    notOvercommittedProblems(requests, limits),
  );
}

/**
 * Kubernetes' rules for resources that cannot be overcommitted (extended resources such as
 * nvidia.com/gpu, and huge pages), which a default must keep or every pod it is written into fails
 * kube-apiserver's validation after the mutating webhook: a limit must be set, a request must equal
 * it, and an extended resource comes in whole units.
 */
function notOvercommittedProblems(
  requests: ReadonlyMap<string, Quantity>,
  limits: ReadonlyMap<string, Quantity>,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const key of new Set([...requests.keys(), ...limits.keys()])) {
    const extended = isExtendedResourceName(key);
    if (!extended && !isHugePagesResourceName(key)) continue;
    const request = requests.get(key);
    const limit = limits.get(key);
    const field = joinPointer(limit === undefined ? '/spec/defaults/requests' : '/spec/defaults/limits', key);
    if (limit === undefined) {
      problems.push({
        field,
        message: `${key} cannot be overcommitted: Kubernetes requires a limit equal to the request, so set defaults.limits.${key} too`,
      });
    } else if (request !== undefined && compareQuantities(request, limit) !== 0) {
      problems.push({
        field: joinPointer('/spec/defaults/requests', key),
        message: `${key} cannot be overcommitted: Kubernetes requires its request to equal its limit`,
      });
    }
    const whole = [request, limit].every((q) => q === undefined || q.nanos % 1_000_000_000n === 0n);
    if (extended && !whole) {
      problems.push({
        field,
        message: `${key} is an extended resource: Kubernetes accepts whole units only`,
      });
    }
  }
  return problems;
}
