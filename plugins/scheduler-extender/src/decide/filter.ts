import type { Candidate } from './candidate.js';
import type { DecideOptions } from './decide-options.js';
import type { PodContext } from './pod-context.js';
import { RefusalMemo } from './refusal-memo.js';
import type { ClusterView, NodeRule, RuleInput } from './rule-input.js';
import { FILTER_RULES } from './rules/index.js';
import { SpreadCounter } from './spread-counter.js';
import { fail, refuses, skip, toVerdict, type NodeVerdict, type RuleResult } from './verdict.js';

/** Serving: a node refused by one rule, with that refusal alone (shared by the nodes it refuses). */
function refusedBy(node: string, result: RuleResult, memo: RefusalMemo): NodeVerdict {
  return { node, status: 'fail', results: memo.listOf(result), unresolvable: result.unresolvable };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface FilterOptions {
  /** Run every rule on a refused node (explain) instead of stopping at the first refusal (serving). */
  readonly allReasons?: boolean;
  readonly rules?: readonly NodeRule[];
}

const UNKNOWN_NODE = fail(
  'node-known',
  `node is not in Corral's node cache yet; kube-scheduler will retry`,
  false,
);

/**
 * Filter: each candidate node's verdict for the pod. Pods of system namespaces pass untouched; an
 * unknown node (names-only mode, not in the snapshot yet) fails with a reason, never passes blindly.
 * Rules run in order and, when serving, stop at the first refusal (the most fundamental reason),
 * which is then the verdict's only result; with `allReasons` (explain) every rule's result is kept.
 */
export function filterNodes(
  pod: PodContext,
  candidates: readonly Candidate[],
  cluster: ClusterView,
  options: DecideOptions,
  filter: FilterOptions = {},
): NodeVerdict[] {
  const rules = filter.rules ?? FILTER_RULES;
  if (options.systemNamespaces.has(pod.pod.namespace)) {
    const system = [skip('system-namespace', `namespace ${pod.pod.namespace} is a system namespace`)];
    return candidates.map(({ name, view }) => toVerdict(name, view ? system : [UNKNOWN_NODE]));
  }
  const spread = new SpreadCounter(cluster.placements, pod.pod);
  const memo = new RefusalMemo();
  // One input for every node, its `node` set before the rules run: rules are synchronous and keep
  // nothing of it, and 500 candidates per call would otherwise be 500 copies.
  let input: Mutable<RuleInput> | undefined;
  const scratch: RuleResult[] = [];
  return candidates.map(({ name, view }) => {
    if (!view) return toVerdict(name, [UNKNOWN_NODE]);
    if (input) input.node = view;
    else input = { pod, node: view, cluster, options, spread, memo };
    // Results go to a scratch list, copied only for a node that keeps them (most are refused).
    for (let i = 0; i < rules.length; i++) {
      const result = (rules[i] as NodeRule)(input);
      if (!filter.allReasons && refuses(result)) return refusedBy(name, result, memo);
      scratch[i] = result;
    }
    return toVerdict(name, scratch.slice(0, rules.length));
  });
}
