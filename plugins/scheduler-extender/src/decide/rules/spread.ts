import type { SpreadRule } from '@corral/policy';
import type { RuleInput } from '../rule-input.js';
import { fail, pass, skip, type RuleResult } from '../verdict.js';

const RULE = 'spread';

/**
 * Spread (NamespacePolicy scheduling.spread), a hard filter: at most maxPerDomain pods of the
 * namespace sharing the pod's value of labelKey per topology domain. A full domain may be freed by
 * preemption; a node without the topology label can never satisfy the rule.
 */
export function spread(input: RuleInput): RuleResult {
  const rules = input.pod.policy?.spec.scheduling?.spread ?? [];
  if (rules.length === 0) return skip(RULE, 'the namespace has no spread rule');
  for (const rule of rules) {
    const result = checkRule(input, rule);
    if (result.status === 'fail') return result;
  }
  return pass(RULE);
}

function checkRule(input: RuleInput, rule: SpreadRule): RuleResult {
  const { pod, node } = input;
  const value = pod.pod.labels[rule.labelKey];
  if (value === undefined) return skip(RULE, `pod has no label ${rule.labelKey}`);
  const domain = node.labels[rule.topologyKey];
  if (domain === undefined) {
    return fail(
      RULE,
      `node ${node.name} has no label ${rule.topologyKey}, which the spread rule of namespace ` +
        `${pod.pod.namespace} needs to place ${rule.labelKey}=${value}`,
      true,
    );
  }
  const count = input.spread.count({
    namespace: pod.pod.namespace,
    labelKey: rule.labelKey,
    labelValue: value,
    topologyKey: rule.topologyKey,
    domain,
    exclude: pod.key,
  });
  if (count < rule.maxPerDomain) return pass(RULE);
  return fail(
    RULE,
    `${rule.topologyKey}=${domain} (node ${node.name}) already runs ${count} pod(s) with ` +
      `${rule.labelKey}=${value} in namespace ${pod.pod.namespace}; the namespace's spread rule allows ` +
      `at most ${rule.maxPerDomain} per domain: add nodes in other domains or lower the replicas`,
    false,
  );
}
