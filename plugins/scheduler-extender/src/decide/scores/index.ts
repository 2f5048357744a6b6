import { colocate } from './colocate.js';
import { gpuPacking } from './gpu-packing.js';
import { ownNodes } from './own-nodes.js';
import type { ScoreRule } from './score.js';

/** Every scoring rule, blended by weight. */
export const SCORE_RULES: readonly ScoreRule[] = [ownNodes, gpuPacking, colocate];

export { colocate, gpuPacking, ownNodes };
export { blend, MAX_SCORE, scaled, type ScorePart, type ScoreName, type ScoreRule } from './score.js';
