import { DEPARTMENT_LABEL } from '@corral/policy';
import { describeOwner } from '../pod-context.js';
import type { RuleInput } from '../rule-input.js';
import { fail, pass, type RuleResult } from '../verdict.js';

const RULE = 'department-isolation';

/**
 * Department isolation (DESIGN.md "Policy model"): a node dedicated to a department takes only its
 * pods; a dedicated department uses only its own nodes; a shared department and a pod with no
 * department use the shared pool too, but a department never joins a shared node that already runs
 * another department's pods. None of these can be fixed by preemption (the extender never evicts
 * another department's pods), so every refusal is unresolvable.
 */
export function departmentIsolation({ pod, node, cluster }: RuleInput): RuleResult {
  if (node.department !== undefined) {
    if (node.department === pod.department) return pass(RULE);
    return fail(
      RULE,
      `node ${node.name} is dedicated to department ${node.department}; pods of ${describeOwner(pod)} ` +
        `cannot run there`,
      true,
    );
  }
  if (pod.department === undefined) return pass(RULE);
  if (pod.isolation === 'dedicated') {
    return fail(
      RULE,
      `department ${pod.department} is dedicated: its pods run only on nodes labelled ` +
        `${DEPARTMENT_LABEL}=${pod.department}, and node ${node.name} is in the shared pool`,
      true,
    );
  }
  const other = otherDepartmentOn(cluster.snapshot.departmentsOnNode(node.name), pod.department);
  if (other === undefined) return pass(RULE);
  return fail(
    RULE,
    `node ${node.name} already runs pods of department ${other}; a shared node never mixes departments, ` +
      `so pods of department ${pod.department} go to another shared node or its own nodes`,
    true,
  );
}

function otherDepartmentOn(counts: ReadonlyMap<string, number>, own: string): string | undefined {
  for (const [department, count] of counts) if (department !== own && count > 0) return department;
  return undefined;
}
