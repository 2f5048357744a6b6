import type { Candidate } from './candidate.js';
import type { DecideOptions } from './decide-options.js';
import type { PodContext } from './pod-context.js';
import type { ClusterView } from './rule-input.js';
import { blend, SCORE_RULES, type ScorePart, type ScoreRule } from './scores/index.js';
import { unanimousRules } from './scores/unanimous.js';

export interface NodeScore {
  readonly node: string;
  /** Integer 0..10. */
  readonly score: number;
  /** The parts blended into the score: a rule that scores every candidate alike is left out. */
  readonly parts: readonly ScorePart[];
}

/**
 * Prioritize: a 0..10 score per node (0 for unknown nodes and for system pods). The candidates are
 * the nodes kube-scheduler asks about (those that passed every filter): a rule giving each of them
 * the same score is left out of the blend (see unanimousRules).
 */
export function prioritizeNodes(
  pod: PodContext,
  candidates: readonly Candidate[],
  cluster: ClusterView,
  options: DecideOptions,
  rules: readonly ScoreRule[] = SCORE_RULES,
): NodeScore[] {
  const system = options.systemNamespaces.has(pod.pod.namespace);
  const opinions = candidates.map(({ view }) =>
    !view || system ? undefined : rules.flatMap((rule) => rule({ pod, node: view, cluster, options }) ?? []),
  );
  const unanimous = unanimousRules(opinions);
  return candidates.map(({ name }, index) => {
    const all = opinions[index] ?? [];
    const parts = unanimous.size === 0 ? all : all.filter((part) => !unanimous.has(part.rule));
    return { node: name, score: blend(parts), parts };
  });
}
