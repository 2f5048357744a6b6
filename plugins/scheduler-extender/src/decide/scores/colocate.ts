import { selectorMatches, type ColocateRule } from '@corral/policy';
import type { PodView } from '@corral/cluster';
import { scaled, type ScoreRule } from './score.js';

/**
 * Co-location (NamespacePolicy scheduling.colocate): a node running pods of the namespace that match a
 * rule's selector earns that rule's weight; the score is the share of the total weight earned.
 */
export const colocate: ScoreRule = ({ pod, node, cluster }) => {
  const rules = pod.policy?.spec.scheduling?.colocate ?? [];
  if (rules.length === 0) return undefined;
  const pods = cluster.placements.podsOnNode(node.name);
  let total = 0;
  let earned = 0;
  for (const rule of rules) {
    total += rule.weight;
    if (runsMatching(pods, pod.pod.namespace, rule)) earned += rule.weight;
  }
  return { rule: 'colocate', score: scaled(earned / total), weight: 2 };
};

function runsMatching(pods: ReadonlyMap<string, PodView>, namespace: string, rule: ColocateRule): boolean {
  for (const other of pods.values()) {
    if (other.namespace === namespace && selectorMatches(rule.selector, other.labels)) return true;
  }
  return false;
}
