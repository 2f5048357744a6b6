import { SpreadCounter } from './spread-counter.js';
import type { Candidate } from './candidate.js';
import type { DecideOptions } from './decide-options.js';
import type { PodContext } from './pod-context.js';
import type { ClusterView, NodeRule } from './rule-input.js';
import { FILTER_RULES } from './rules/index.js';
import { fail, skip, toVerdict, type NodeVerdict, type RuleResult } from './verdict.js';

export interface FilterOptions {
  /** Run every rule on a refused node (explain) instead of stopping at the first refusal (serving). */
  readonly allReasons?: boolean;
  readonly rules?: readonly NodeRule[];
}

/**
 * Filter: each candidate node's verdict for the pod. Pods of system namespaces pass untouched; an
 * unknown node (names-only mode, not in the snapshot yet) fails with a reason, never passes blindly.
 * Rules run in order and, when serving, stop at the first refusal (the most fundamental reason).
 */
export function filterNodes(
  pod: PodContext,
  candidates: readonly Candidate[],
  cluster: ClusterView,
  options: DecideOptions,
  filter: FilterOptions = {},
): NodeVerdict[] {
  const rules = filter.rules ?? FILTER_RULES;
  const system = options.systemNamespaces.has(pod.pod.namespace);
  const spread = new SpreadCounter(cluster.snapshot, cluster.nodes);
  return candidates.map(({ name, view }) => {
    if (!view) {
      return toVerdict(name, [
        fail(
          'node-known',
          `node ${name} is not in Corral's node cache yet; kube-scheduler will retry`,
          false,
        ),
      ]);
    }
    if (system) {
      return toVerdict(name, [
        skip('system-namespace', `namespace ${pod.pod.namespace} is a system namespace`),
      ]);
    }
    const input = { pod, node: view, cluster, options, spread };
    const results: RuleResult[] = [];
    for (const rule of rules) {
      const result = rule(input);
      results.push(result);
      if (!filter.allReasons && (result.status === 'fail' || result.status === 'error')) break;
    }
    return toVerdict(name, results);
  });
}
