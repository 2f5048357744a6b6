import type { NodeRule } from '../rule-input.js';
import { departmentIsolation } from './department-isolation.js';
import { gatewayNodes } from './gateway-nodes.js';
import { gpuNodes } from './gpu-nodes.js';
import { spread } from './spread.js';

/**
 * Every filter rule, in the order they run; serving stops at the first refusal, so the static,
 * most telling reasons (the node's role) come before the ones that depend on what runs there.
 */
export const FILTER_RULES: readonly NodeRule[] = [gpuNodes, gatewayNodes, departmentIsolation, spread];

export { departmentIsolation, gatewayNodes, gpuNodes, spread };
