import { MAX_SCORE, type ScoreRule } from './score.js';

/** Prefer the department's own nodes over the shared pool. */
export const ownNodes: ScoreRule = ({ pod, node }) => {
  if (pod.department === undefined) return undefined;
  return { rule: 'own-nodes', score: node.department === pod.department ? MAX_SCORE : 0, weight: 1 };
};
