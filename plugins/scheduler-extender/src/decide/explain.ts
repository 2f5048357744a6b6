import type { Candidate } from './candidate.js';
import type { DecideOptions } from './decide-options.js';
import { filterNodes } from './filter.js';
import type { PodContext } from './pod-context.js';
import { prioritizeNodes } from './prioritize.js';
import type { ClusterView } from './rule-input.js';
import type { RuleResult } from './verdict.js';

/** One line of `corral explain`: the same decisions the extender makes, for one node. */
export interface ExplainRow {
  readonly node: string;
  readonly verdict: 'fits' | 'refused' | 'refused (unresolvable)';
  /** The refusing rules, or the rules that had an opinion when it fits. */
  readonly rules: readonly string[];
  readonly reason: string;
  /** Prioritize's 0..10; undefined for refused nodes (kube-scheduler never scores them). */
  readonly score?: number;
}

/** Given a pod and the nodes, returns a row per node: filter verdict, reasons, and score. */
export function explainPod(
  pod: PodContext,
  candidates: readonly Candidate[],
  cluster: ClusterView,
  options: DecideOptions,
): ExplainRow[] {
  const verdicts = filterNodes(pod, candidates, cluster, options, { allReasons: true });
  // Scored among the nodes that fit, as kube-scheduler asks prioritize about those alone.
  const fitting = candidates.filter((_, index) => verdicts[index]?.status === 'pass');
  const scores = new Map(prioritizeNodes(pod, fitting, cluster, options).map((s) => [s.node, s]));
  return verdicts.map((verdict) => {
    const failed = verdict.results.filter((r) => r.status === 'fail' || r.status === 'error');
    if (failed.length > 0) {
      return {
        node: verdict.node,
        verdict: verdict.unresolvable ? 'refused (unresolvable)' : 'refused',
        rules: failed.map((r) => r.rule),
        reason: failed.map((r) => r.message).join('; '),
      };
    }
    const score = scores.get(verdict.node);
    return {
      node: verdict.node,
      verdict: 'fits',
      rules: verdict.results.filter(hasOpinion).map((r) => r.rule),
      reason:
        score && score.parts.length > 0
          ? score.parts.map((p) => `${p.rule} ${p.score.toFixed(1)}`).join(', ')
          : untouched(verdict.results),
      score: score?.score ?? 0,
    };
  });
}

/** A rule that decided the node: it passed, or the pod's system namespace passed it untouched. */
function hasOpinion(result: RuleResult): boolean {
  return result.status === 'pass' || result.rule === 'system-namespace';
}

/** Why a pod of a system namespace fits any node (no rule read it); '' for any other pod. */
function untouched(results: readonly RuleResult[]): string {
  const system = results.find((result) => result.rule === 'system-namespace');
  return system === undefined ? '' : `${system.message}: Corral's rules do not apply to its pods`;
}
