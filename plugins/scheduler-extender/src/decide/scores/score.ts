import type { RuleInput } from '../rule-input.js';

export type ScoreName = 'own-nodes' | 'gpu-packing' | 'colocate';

/** One scoring rule's opinion of a node: 0..10, with its weight in the blend. */
export interface ScorePart {
  readonly rule: ScoreName;
  readonly score: number;
  readonly weight: number;
}

/** A scoring rule; undefined when it has no opinion about this pod. */
export type ScoreRule = (input: Omit<RuleInput, 'spread' | 'memo' | 'sent'>) => ScorePart | undefined;

/** kube-scheduler's MaxExtenderPriority: it multiplies by weight and never clamps. */
export const MAX_SCORE = 10;

/** Given a ratio (0..1), returns a score 0..10. */
export function scaled(ratio: number): number {
  if (!Number.isFinite(ratio) || ratio <= 0) return 0;
  return Math.min(MAX_SCORE, ratio * MAX_SCORE);
}

/** The weighted mean of the parts, 0..10 (not rounded); 0 when none has weight. */
function weightedMean(parts: readonly ScorePart[]): number {
  const weight = parts.reduce((sum, part) => sum + part.weight, 0);
  if (weight === 0) return 0;
  return parts.reduce((sum, part) => sum + part.score * part.weight, 0) / weight;
}

const clamped = (score: number): number => Math.max(0, Math.min(MAX_SCORE, Math.round(score)));

/** Scores of the department's own nodes start here; the shared pool's stay below it. */
export const OWN_BAND_FLOOR = 6;

/**
 * Given the parts with an opinion, returns the node's integer score 0..10. With an `own-nodes`
 * opinion the department's own nodes always outrank the shared pool: own nodes score 6..10 and
 * other nodes 0..5, each band ordered by the weighted mean of the other rules (GPU packing,
 * colocation). Without one, that weighted mean.
 */
export function blend(parts: readonly ScorePart[]): number {
  const own = parts.find((part) => part.rule === 'own-nodes');
  if (own === undefined) return clamped(weightedMean(parts));
  const others = parts.filter((part) => part !== own);
  const mean = others.length === 0 ? MAX_SCORE : weightedMean(others);
  if (own.score < MAX_SCORE)
    return others.length === 0 ? 0 : clamped((mean * (OWN_BAND_FLOOR - 1)) / MAX_SCORE);
  return clamped(OWN_BAND_FLOOR + (mean * (MAX_SCORE - OWN_BAND_FLOOR)) / MAX_SCORE);
}
