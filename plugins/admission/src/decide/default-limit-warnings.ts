import { warn, type Decision } from './decision.js';
import type { SkippedLimit } from './default-resources.js';

/** The rule of the warnings about NamespacePolicy default limits a container did not get. */
export const DEFAULT_LIMITS_RULE = 'default-limits';

/** Where a pod sets its pod-level resources: `spec.resources` (a workload's template: deeper). */
const POD_RESOURCES_AT = 'spec.resources';

const why = (skip: SkippedLimit, resourcesAt: string): string =>
  skip.reason.why === 'pod-level'
    ? `the pod sets ${skip.resource} in ${resourcesAt}`
    : `its request ${skip.reason.request} is above it`;

/**
 * One warning per container and resource whose NamespacePolicy default limit was left out, naming
 * the container, the resource, the default and why, short enough for one line of kubectl output
 * (kube-apiserver asks for warnings under 120 characters), e.g.
 * `[default-limits] containers[0] "app": no default cpu limit 1: its request 3 is above it`.
 * Those left out because the pod sizes the resource at pod level share one warning per resource,
 * which names where the pod does (`resourcesAt`: a workload's template names its own path).
 */
export function defaultLimitWarnings(
  skipped: readonly SkippedLimit[],
  resourcesAt: string = POD_RESOURCES_AT,
): Decision[] {
  const decisions: Decision[] = [];
  const podLevel = new Map<string, SkippedLimit[]>();
  for (const skip of skipped) {
    if (skip.reason.why === 'pod-level') {
      const same = podLevel.get(skip.resource);
      if (same === undefined) podLevel.set(skip.resource, [skip]);
      else same.push(skip);
      continue;
    }
    decisions.push(
      warn(
        DEFAULT_LIMITS_RULE,
        `${skip.container}: no default ${skip.resource} limit ${skip.limit}: ${why(skip, resourcesAt)}`,
      ),
    );
  }
  for (const [resource, skips] of podLevel) {
    const first = skips[0];
    if (first === undefined) continue;
    const containers = skips.map((skip) => skip.container).join(', ');
    decisions.push(
      warn(
        DEFAULT_LIMITS_RULE,
        `${containers}: no default ${resource} limit ${first.limit}: ${why(first, resourcesAt)}`,
      ),
    );
  }
  return decisions;
}
