import type { Candidate } from './candidate.js';
import type { DecideOptions } from './decide-options.js';
import type { PodContext } from './pod-context.js';
import type { ClusterView } from './rule-input.js';
import { blend, SCORE_RULES, type ScoreName, type ScorePart, type ScoreRule } from './scores/index.js';

type ScoreInput = Parameters<ScoreRule>[0];
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
  // One input for every node, its `node` set before the rules run (rules keep nothing of it).
  let input: { -readonly [K in keyof ScoreInput]: ScoreInput[K] } | undefined;
  const scratch: ScorePart[] = [];
  const opinions = candidates.map(({ view }) => {
    if (!view || system) return undefined;
    if (input) input.node = view;
    else input = { pod, node: view, cluster, options };
    let count = 0;
    for (const rule of rules) {
      const part = rule(input);
      if (part) scratch[count++] = part;
    }
    // Copied at its size: most nodes have one or two opinions.
    return scratch.slice(0, count);
  });
  const unanimous = unanimousRules(opinions);
  return candidates.map(({ name }, index) => {
    const parts = without(opinions[index] ?? NO_PARTS, unanimous);
    return { node: name, score: blend(parts), parts };
  });
}

const NO_PARTS: readonly ScorePart[] = Object.freeze([]);

/** The parts of rules not in `left`: `parts` itself when it has none of them (loops: no closures). */
function without(parts: readonly ScorePart[], left: ReadonlySet<ScoreName>): readonly ScorePart[] {
  if (left.size === 0) return parts;
  let kept = 0;
  for (const part of parts) if (!left.has(part.rule)) kept += 1;
  if (kept === parts.length) return parts;
  if (kept === 0) return NO_PARTS;
  const result: ScorePart[] = [];
  for (const part of parts) if (!left.has(part.rule)) result.push(part);
  return result;
}
