import { freeGpu } from '../rules/gpu-nodes.js';
import { scaled, type ScoreRule } from './score.js';

/**
 * Pack GPU pods: the fuller a GPU node would be after placing the pod, the higher it scores, so whole
 * GPUs stay free elsewhere for the pods that need several.
 */
export const gpuPacking: ScoreRule = (input) => {
  const { pod, node, options } = input;
  if (!pod.pod.carriesGpuRequest || !node.gpu) return undefined;
  let allocatable = 0n;
  let usedAfter = 0n;
  for (const resource of options.gpuResources) {
    const total = node.allocatable.get(resource) ?? 0n;
    allocatable += total;
    usedAfter += total - freeGpu(input, resource) + (pod.pod.requests.get(resource) ?? 0n);
  }
  if (allocatable === 0n) return undefined;
  return { rule: 'gpu-packing', score: scaled(Number(usedAfter) / Number(allocatable)), weight: 2 };
};
