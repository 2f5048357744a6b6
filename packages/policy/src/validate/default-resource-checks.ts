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
 * equal it, and an extended resource comes in whole units. Refused when a policy is written (the
 * admission webhook, `corral check`); a policy loaded with such defaults keeps its quota and image
 * rules, and the mutating webhook leaves those defaults out (unusableDefaultKeys).
 */
export function unusableDefaultProblems(policy: NamespacePolicy, source?: string): PolicyProblem[] {
  const requests = parsedResourceMap(policy.spec.defaults?.requests);
  const limits = parsedResourceMap(policy.spec.defaults?.limits);
  return withContext(
    objectContext(policy, 'NamespacePolicy', source),
    notOvercommitted(requests, limits).map(({ problem }) => problem),
  );
}

/** The resource names of the defaults unusableDefaultProblems finds: defaults never to write into a pod. */
export function unusableDefaultKeys(defaults: NamespacePolicy['spec']['defaults']): ReadonlySet<string> {
  const found = notOvercommitted(parsedResourceMap(defaults?.requests), parsedResourceMap(defaults?.limits));
  return new Set(found.map(({ key }) => key));
}

/**
 * Kubernetes' rules for resources that cannot be overcommitted (extended resources such as
 * nvidia.com/gpu, and huge pages), which a default must keep or every pod it is written into fails
 * kube-apiserver's validation after the mutating webhook: a limit must be set, a request must equal
 * it, and an extended resource comes in whole units.
 */
function notOvercommitted(
  requests: ReadonlyMap<string, Quantity>,
  limits: ReadonlyMap<string, Quantity>,
): { readonly key: string; readonly problem: FieldProblem }[] {
  const problems: { key: string; problem: FieldProblem }[] = [];
  for (const key of new Set([...requests.keys(), ...limits.keys()])) {
    const extended = isExtendedResourceName(key);
    if (!extended && !isHugePagesResourceName(key)) continue;
    const request = requests.get(key);
    const limit = limits.get(key);
    const field = joinPointer(limit === undefined ? '/spec/defaults/requests' : '/spec/defaults/limits', key);
    const add = (at: string, message: string) => problems.push({ key, problem: { field: at, message } });
    if (limit === undefined) {
      add(
        field,
        `${key} cannot be overcommitted: Kubernetes requires a limit equal to the request, so set defaults.limits.${key} too`,
      );
    } else if (request !== undefined && compareQuantities(request, limit) !== 0) {
      add(
        joinPointer('/spec/defaults/requests', key),
        `${key} cannot be overcommitted: Kubernetes requires its request to equal its limit`,
      );
    }
    const whole = [request, limit].every((q) => q === undefined || q.nanos % 1_000_000_000n === 0n);
    if (extended && !whole) add(field, `${key} is an extended resource: Kubernetes accepts whole units only`);
  }
  return problems;
}
