import type { ScoreName, ScorePart } from './score.js';

/**
 * The rules that give every node the same score: left out of the blend, they cannot change which
 * node kube-scheduler prefers (it adds the extender's score to each node), but kept in they would
 * squeeze the rules that do tell the nodes apart into fewer integers. A department pod offered only
 * shared nodes gets own-nodes 0 on each: kept in, it would hold them to the shared band 0..5, where
 * GPU nodes 1/8 and 2/8 full after the pod round to the same 1. A rule is unanimous only when it
 * has an opinion on every node: `undefined` (a node with no view, scored 0) makes none unanimous.
 */
export function unanimousRules(nodes: readonly (readonly ScorePart[] | undefined)[]): Set<ScoreName> {
  const [first, ...rest] = nodes;
  const unanimous = new Set<ScoreName>();
  if (!first || rest.includes(undefined)) return unanimous;
  for (const { rule, score } of first) {
    if (rest.every((parts) => parts?.some((part) => part.rule === rule && part.score === score)))
      unanimous.add(rule);
  }
  return unanimous;
}
