import type { PodView } from '@corral/cluster';
import type { SpreadRule } from '@corral/policy';
import type { RuleInput } from '../rule-input.js';
import { fail, pass, skip, type RuleResult } from '../verdict.js';

const RULE = 'spread';
const NO_RULE = skip(RULE, 'the namespace has no spread rule');

/**
 * Spread (NamespacePolicy scheduling.spread), a hard filter: at most maxPerDomain pods of the
 * namespace sharing the pod's value of labelKey per topology domain. Counted as kube-scheduler's
 * PodTopologySpread counts: pods being deleted (deletionTimestamp) do not count, so a rolling
 * update's old replicas do not keep the new ones out; pending pods nominated to the node filtered
 * (preemption freed it for them) with the pod's priority or higher do, on that node only. A full
 * domain may be freed by preemption; a node without the topology label can never satisfy the rule.
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
  // The domain's pods (a node sent in full mode counted in the domain its Node object names), then
  // the pods nominated to the node (looked up only while the pod would still pass).
  const count = input.spread.count(rule, value, domain);
  const nominated = count < rule.maxPerDomain ? input.spread.countNominated(rule, value, node.name) : 0;
  if (count + nominated < rule.maxPerDomain) return pass(RULE);
  const key = `${rule.topologyKey}=${domain}:${rule.labelKey}:${rule.maxPerDomain}:${count}:${nominated}`;
  return memo.refusal(RULE, key, () => fullDomain({ rule, domain, value, count, nominated, pod: pod.pod }));
}

interface FullDomain {
  readonly rule: SpreadRule;
  readonly domain: string;
  readonly value: string;
  /** Pods running in the domain (the pod itself and pods being deleted left out). */
  readonly count: number;
  /** Pending pods nominated to this node, of the pod's priority or higher. */
  readonly nominated: number;
  readonly pod: PodView;
}

/** A full domain: resolvable (preemption may free it). The counts are part of its memo key. */
function fullDomain({ rule, domain, value, count, nominated, pod }: FullDomain): RuleResult {
  const pending =
    nominated === 0
      ? ''
      : `, plus ${nominated} pod(s) of priority ${pod.priority ?? 0} or higher nominated to this node ` +
        'by preemption';
  return fail(
    RULE,
    `${rule.topologyKey}=${domain} already runs ${count} pod(s) with ${rule.labelKey}=${value} in ` +
      `namespace ${pod.namespace}${pending}; the namespace's spread rule allows at most ` +
      `${rule.maxPerDomain} per domain: add nodes in other domains or lower the replicas`,
    false,
  );
}
