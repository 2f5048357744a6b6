import type { NodeRule } from '../rule-input.js';
import { departmentIsolation } from './department-isolation.js';
import { gatewayNodes } from './gateway-nodes.js';
import { gpuNodes } from './gpu-nodes.js';
import { spread } from './spread.js';

/**
 * Every filter rule, in the order they run. Department isolation comes first: it is the most
 * fundamental reason (the node is not the department's to use at all, which no preemption changes),
 * then the node's role (GPU, gateway), then spread, which depends on what runs where. Serving reports
 * a node's first unresolvable refusal, or else its first resolvable one (see filterNodes).
 */
export const FILTER_RULES: readonly NodeRule[] = [departmentIsolation, gpuNodes, gatewayNodes, spread];

export { departmentIsolation, gatewayNodes, gpuNodes, spread };
