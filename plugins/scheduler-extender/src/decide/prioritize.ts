import type { Candidate } from './candidate.js';
import type { DecideOptions } from './decide-options.js';
import type { PodContext } from './pod-context.js';
import type { ClusterView } from './rule-input.js';
import { blend, SCORE_RULES, type ScorePart, type ScoreRule } from './scores/index.js';

export interface NodeScore {
  readonly node: string;
  /** Integer 0..10. */
  readonly score: number;
  readonly parts: readonly ScorePart[];
}

/** Prioritize: a 0..10 score per node (0 for unknown nodes and for system pods). */
export function prioritizeNodes(
  pod: PodContext,
  candidates: readonly Candidate[],
  cluster: ClusterView,
  options: DecideOptions,
  rules: readonly ScoreRule[] = SCORE_RULES,
): NodeScore[] {
  const system = options.systemNamespaces.has(pod.pod.namespace);
  return candidates.map(({ name, view }) => {
    if (!view || system) return { node: name, score: 0, parts: [] };
    const parts = rules.flatMap((rule) => rule({ pod, node: view, cluster, options }) ?? []);
    return { node: name, score: blend(parts), parts };
  });
}
