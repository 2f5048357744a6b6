import { selectorMatches, type ColocateRule } from '@corral/policy';
import type { PodView } from '@corral/cluster';
import { scaled, type ScoreRule } from './score.js';

/**
 * Co-location (NamespacePolicy scheduling.colocate): a node running pods of the namespace that match a
 * rule's selector earns that rule's weight; the score is the share of the total weight earned. The
 * pod itself does not count, should it already be placed (assumed after the extender's bind, and
 * scheduled again when kube-scheduler's bind call timed out). Pods being deleted do count, as in
 * kube-scheduler's InterPodAffinity scoring: they run until they are gone.
 */
export const colocate: ScoreRule = ({ pod, node, cluster }) => {
  const rules = pod.policy?.spec.scheduling?.colocate;
  if (rules === undefined || rules.length === 0) return undefined;
  const pods = cluster.placements.podsOnNode(node.name);
  let total = 0;
  let earned = 0;
  for (const rule of rules) {
    total += rule.weight;
    if (runsMatching(pods, pod.pod, rule)) earned += rule.weight;
  }
  return { rule: 'colocate', score: scaled(earned / total), weight: 2 };
};

function runsMatching(pods: ReadonlyMap<string, PodView>, self: PodView, rule: ColocateRule): boolean {
  for (const other of pods.values()) {
    if (other.namespace !== self.namespace || other.name === self.name) continue;
    if (selectorMatches(rule.selector, other.labels)) return true;
  }
  return false;
}
