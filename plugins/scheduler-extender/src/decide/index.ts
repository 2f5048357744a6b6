export { candidatesFromNames, type Candidate } from './candidate.js';
export {
  DEFAULT_DECIDE_OPTIONS,
  DEFAULT_SYSTEM_NAMESPACES,
  decideOptions,
  type DecideOptions,
} from './decide-options.js';
export { filterNodes } from './filter.js';
export { NodeIndex, SHARED_POOL } from './node-index.js';
export { podContext, type PodContext } from './pod-context.js';
export { decidePreemption, type PreemptDecision, type ProposedVictims } from './preempt.js';
export { prioritizeNodes, type NodeScore } from './prioritize.js';
export { clusterViewOf, type ClusterView, type NodeRule, type RuleInput } from './rule-input.js';
export { AssumedPods, type AssumedPod, type AssumedPodsOptions } from './assumed-pods.js';
export { Placements } from './placements.js';
export { FILTER_RULES } from './rules/index.js';
export { SCORE_RULES, MAX_SCORE, type ScorePart } from './scores/index.js';
export {
  reasonOf,
  toVerdict,
  type NodeVerdict,
  type RuleName,
  type RuleResult,
  type RuleStatus,
} from './verdict.js';
