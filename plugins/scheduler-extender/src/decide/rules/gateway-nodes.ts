import { ROLE_LABEL } from '@corral/cluster';
import { SHARED_POOL } from '../node-index.js';
import type { PodContext } from '../pod-context.js';
import type { ClusterView, RuleInput } from '../rule-input.js';
import { fail, pass, type RuleResult } from '../verdict.js';

const RULE = 'gateway-nodes';
const NOT_A_GATEWAY = fail(
  RULE,
  `node is dedicated to API gateways (pod lacks label ${ROLE_LABEL}=gateway)`,
  true,
);

/**
 * Dedicated gateway nodes: a corral.dev/role=gateway node takes only gateway pods, and a gateway pod
 * goes only to gateway nodes when its department or the shared pool has any. Both are unresolvable.
 */
export function gatewayNodes({ node, pod, cluster, memo }: RuleInput): RuleResult {
  const isGatewayPod = pod.pod.role === 'gateway';
  if (node.role === 'gateway') {
    if (isGatewayPod) return pass(RULE);
    return NOT_A_GATEWAY;
  }
  if (!isGatewayPod) return pass(RULE);
  const available = usableGateways(pod, cluster);
  if (available === 0) return pass(RULE);
  return memo.refusal(RULE, 'not-gateway-node', () =>
    fail(
      RULE,
      `gateway pods run on gateway nodes (${ROLE_LABEL}=gateway) and ${available} such node(s) exist ` +
        `for ${pod.department === undefined ? 'the shared pool' : `department ${pod.department}`}; ` +
        `this node is not one`,
      true,
    ),
  );
}

/** Gateway nodes the pod may use: its department's own, plus the shared pool unless dedicated. */
function usableGateways(pod: PodContext, cluster: ClusterView): number {
  const own = pod.department === undefined ? 0 : cluster.nodes.gatewayCount(pod.department);
  const shared = pod.isolation === 'dedicated' ? 0 : cluster.nodes.gatewayCount(SHARED_POOL);
  return own + shared;
}
