import type { SpreadRule } from '@corral/policy';
import type { RuleInput } from '../rule-input.js';
import { fail, pass, skip, type RuleResult } from '../verdict.js';

const RULE = 'spread';
const NO_RULE = skip(RULE, 'the namespace has no spread rule');

/**
 * Spread (NamespacePolicy scheduling.spread), a hard filter: at most maxPerDomain pods of the
 * namespace sharing the pod's value of labelKey per topology domain. A full domain may be freed by
 * preemption; a node without the topology label can never satisfy the rule.
 */
export function spread(input: RuleInput): RuleResult {
  const rules = input.pod.policy?.spec.scheduling?.spread ?? [];
  if (rules.length === 0) return NO_RULE;
  // A node missing a rule's topology label (unresolvable) is reported before a full domain.
  let full: RuleResult | undefined;
  for (const rule of rules) {
    const result = checkRule(input, rule);
    if (result.status !== 'fail') continue;
    if (result.unresolvable) return result;
    full ??= result;
  }
  return full ?? pass(RULE);
}

function checkRule(input: RuleInput, rule: SpreadRule): RuleResult {
  const { pod, node, memo } = input;
  const value = pod.pod.labels[rule.labelKey];
  if (value === undefined) return pass(RULE);
  const domain = node.labels[rule.topologyKey];
  if (domain === undefined) {
    const key = `:no-label:${rule.topologyKey}`;
    return memo.refusal(RULE, key, () =>
      fail(
        RULE,
        `node has no label ${rule.topologyKey}, which the spread rule of namespace ` +
          `${pod.pod.namespace} needs to place ${rule.labelKey}=${value}`,
        true,
      ),
    );
  }
  let count = input.spread.count(rule, value, domain);
  // A node sent in full mode that the snapshot does not hold yet is in no domain count: add its pods
  // (looked up only when the domain alone would let the pod pass).
  if (count < rule.maxPerDomain && input.cluster.snapshot.node(node.name) === undefined)
    count += input.spread.countOnUnseenNode(rule, value, node.name);
  if (count < rule.maxPerDomain) return pass(RULE);
  const key = `${rule.topologyKey}=${domain}:${rule.labelKey}:${rule.maxPerDomain}`;
  return memo.refusal(RULE, key, () =>
    fail(
      RULE,
      `${rule.topologyKey}=${domain} already runs ${count} pod(s) with ${rule.labelKey}=${value} in ` +
        `namespace ${pod.pod.namespace}; the namespace's spread rule allows at most ${rule.maxPerDomain} ` +
        `per domain: add nodes in other domains or lower the replicas`,
      false,
    ),
  );
}
