import type { RuleInput } from '../rule-input.js';

export type ScoreName = 'own-nodes' | 'gpu-packing' | 'colocate';

/** One scoring rule's opinion of a node: 0..10, with its weight in the blend. */
export interface ScorePart {
  readonly rule: ScoreName;
  readonly score: number;
  readonly weight: number;
}

/** A scoring rule; undefined when it has no opinion about this pod. */
export type ScoreRule = (input: Omit<RuleInput, 'spread' | 'memo'>) => ScorePart | undefined;

/** kube-scheduler's MaxExtenderPriority: it multiplies by weight and never clamps. */
export const MAX_SCORE = 10;

/** Given a ratio (0..1), returns a score 0..10. */
export function scaled(ratio: number): number {
  if (!Number.isFinite(ratio) || ratio <= 0) return 0;
  return Math.min(MAX_SCORE, ratio * MAX_SCORE);
}

/** Given the parts with an opinion, returns their weighted mean as an integer 0..10. */
export function blend(parts: readonly ScorePart[]): number {
  const weight = parts.reduce((sum, part) => sum + part.weight, 0);
  if (weight === 0) return 0;
  const mean = parts.reduce((sum, part) => sum + part.score * part.weight, 0) / weight;
  return Math.max(0, Math.min(MAX_SCORE, Math.round(mean)));
}
