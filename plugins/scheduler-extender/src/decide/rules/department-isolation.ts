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
 * another department's pods), so every refusal is unresolvable. Refusals are kept per request by
 * what they name (RefusalMemo keys: a department name, or `:`-prefixed, which no name contains).
 */
export function departmentIsolation({ pod, node, cluster, memo }: RuleInput): RuleResult {
  const owner = node.department;
  if (owner !== undefined) {
    if (owner === pod.department) return pass(RULE);
    return memo.refusal(RULE, `:dedicated:${owner}`, () =>
      fail(
        RULE,
        `node is dedicated to department ${owner}; pods of ${describeOwner(pod)} cannot run there`,
        true,
      ),
    );
  }
  if (pod.department === undefined) return pass(RULE);
  if (pod.isolation === 'dedicated') {
    return memo.refusal(RULE, ':shared-pool', inSharedPool, pod.department);
  }
  const other = otherDepartmentOn(cluster.placements.departmentsOnNode(node.name), pod.department);
  if (other === undefined) return pass(RULE);
  return memo.refusal(RULE, other, runsOtherDepartment, other);
}

const inSharedPool = (department: string) =>
  fail(
    RULE,
    `department ${department} is dedicated: its pods run only on nodes labelled ` +
      `${DEPARTMENT_LABEL}=${department}, and this node is in the shared pool`,
    true,
  );

const runsOtherDepartment = (other: string) =>
  fail(RULE, `node runs pods of department ${other}, and shared nodes never mix departments`, true);

function otherDepartmentOn(counts: ReadonlyMap<string, number>, own: string): string | undefined {
  for (const department of counts.keys()) if (department !== own) return department;
  return undefined;
}
