/** HostPriority, with Go's field names. */
export interface HostPriority {
  Host: string;
  Score: number;
}

/** kube-scheduler's MaxExtenderPriority. */
export const MAX_EXTENDER_PRIORITY = 10;

/**
 * Given the request's node names and scores by name, returns the HostPriorityList: one entry per input
 * node, in input order, each score an integer clamped to 0..10 (kube-scheduler multiplies by weight and
 * never clamps, so nothing above 10 may leave here).
 */
export function priorityList(names: readonly string[], scores: ReadonlyMap<string, number>): HostPriority[] {
  return names.map((name) => ({ Host: name, Score: clampScore(scores.get(name) ?? 0) }));
}

/**
 * Given each input node's score, in input order (as prioritizeNodes returns them), returns the
 * HostPriorityList: the same as priorityList with the scores by name, without the map.
 */
export function hostPriorities(
  scores: readonly { readonly node: string; readonly score: number }[],
): HostPriority[] {
  return scores.map(({ node, score }) => ({ Host: node, Score: clampScore(score) }));
}

/** Given a score, returns it as an integer 0..10 (0 for NaN and infinities). */
export function clampScore(score: number): number {
  if (!Number.isFinite(score)) return 0;
  return Math.max(0, Math.min(MAX_EXTENDER_PRIORITY, Math.round(score)));
}
