import type { NodeView, PodView } from '@corral/cluster';
import { formatCount } from '../format.js';
import type { RuleInput } from '../rule-input.js';
import { fail, pass, type RuleResult } from '../verdict.js';

const RULE = 'gpu-nodes';

/** Free amount of one GPU resource on a node: allocatable minus the requests of the pods there. */
export function freeGpu(input: Pick<RuleInput, 'node' | 'cluster' | 'pod'>, resource: string): bigint {
  const allocatable = input.node.allocatable.get(resource) ?? 0n;
  let used = 0n;
  const self = input.pod.pod;
  for (const other of input.cluster.placements.podsOnNode(input.node.name).values()) {
    if (other.name !== self.name || other.namespace !== self.namespace)
      used += other.requests.get(resource) ?? 0n;
  }
  return allocatable - used;
}

/**
 * Dedicated GPU nodes: a GPU node (label corral.dev/role=gpu or allocatable GPUs, whatever its role
 * label: a gateway node with GPUs is both, and the gateway rule applies too) takes only pods that
 * request a GPU, and a GPU pod needs enough free GPUs there. Role mismatches are unresolvable; too
 * few free GPUs may be fixed by preemption.
 */
export function gpuNodes(input: RuleInput): RuleResult {
  const { node, pod, options, memo } = input;
  if (!pod.pod.carriesGpuRequest) {
    if (!node.gpu) return pass(RULE);
    return memo.refusal(RULE, 'gpu-node', onGpuNode, options);
  }
  if (!node.gpu) {
    return memo.refusal(RULE, 'not-gpu-node', offGpuNode, options);
  }
  return checkFreeGpus(input, node, pod.pod);
}

const gpuNames = (options: RuleInput['options']) => options.gpuResources.join(' or ');
const onGpuNode = (options: RuleInput['options']) =>
  fail(RULE, `node is dedicated to GPU workloads (pod requests no ${gpuNames(options)})`, true);
const offGpuNode = (options: RuleInput['options']) =>
  fail(RULE, `node is not a GPU node (pod requests ${gpuNames(options)})`, true);

/**
 * Enough free GPUs of every resource the pod requests. A resource the node has too few of in total
 * is unresolvable and reported before one that preemption could free.
 */
function checkFreeGpus(input: RuleInput, node: NodeView, pod: PodView): RuleResult {
  let resolvable: RuleResult | undefined;
  for (const resource of input.options.gpuResources) {
    const wanted = pod.requests.get(resource) ?? 0n;
    if (wanted <= 0n) continue;
    const free = freeGpu(input, resource);
    if (wanted <= free) continue;
    const allocatable = node.allocatable.get(resource) ?? 0n;
    const result = fail(
      RULE,
      `node has ${formatCount(free < 0n ? 0n : free)} of ${formatCount(allocatable)} ` +
        `${resource} free, pod requests ${formatCount(wanted)}`,
      allocatable < wanted,
    );
    if (result.unresolvable) return result;
    resolvable ??= result;
  }
  return resolvable ?? pass(RULE);
}
