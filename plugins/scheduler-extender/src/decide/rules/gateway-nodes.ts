import { ROLE_LABEL } from '@corral/cluster';
import { SHARED_POOL } from '../node-index.js';
import type { PodContext } from '../pod-context.js';
import type { ClusterView, RuleInput } from '../rule-input.js';
import type { SentNodes } from '../sent-nodes.js';
import { fail, pass, type RuleResult } from '../verdict.js';

const RULE = 'gateway-nodes';
const NOT_A_GATEWAY = fail(
  RULE,
  `node is dedicated to API gateways (pod lacks label ${ROLE_LABEL}=gateway)`,
  true,
);

/**
 * Dedicated gateway nodes: a corral.dev/role=gateway node takes only gateway pods, and a gateway pod
 * goes only to gateway nodes when its department or the shared pool has any (the refusal says how
 * many in which pool; with Node objects sent, as they name them). Both are unresolvable.
 */
export function gatewayNodes(input: RuleInput): RuleResult {
  const { node, pod, memo } = input;
  const isGatewayPod = pod.pod.role === 'gateway';
  if (node.role === 'gateway') {
    if (isGatewayPod) return pass(RULE);
    return NOT_A_GATEWAY;
  }
  if (!isGatewayPod) return pass(RULE);
  // The same for every node that is not a gateway: decided once per request.
  return memo.refusal(RULE, 'not-gateway-node', offGateways, input);
}

/** A gateway pod on a node that is not a gateway: refused when it may use any gateway node. */
function offGateways(input: RuleInput): RuleResult {
  const { pod } = input;
  const pools = usableGateways(input);
  if (pools.own + pools.shared === 0) return pass(RULE);
  return fail(
    RULE,
    `gateway pods run on gateway nodes (${ROLE_LABEL}=gateway), and this pod may use ` +
      `${describePools(pod, pools)}; this node is not one`,
    true,
  );
}

interface GatewayPools {
  /** In the department's own pool (0 for a pod with no department). */
  readonly own: number;
  /** In the shared pool (0 for a dedicated department, which may not use it). */
  readonly shared: number;
}

/** Gateway nodes the pod may use: its department's own, plus the shared pool unless dedicated. */
function usableGateways({ pod, cluster, sent }: RuleInput): GatewayPools {
  return {
    own: pod.department === undefined ? 0 : gatewaysIn(pod.department, cluster, sent),
    shared: pod.isolation === 'dedicated' ? 0 : gatewaysIn(SHARED_POOL, cluster, sent),
  };
}

/**
 * Gateway nodes in a pool: the snapshot's, corrected by the Node objects sent (full mode), so that a
 * gateway node the snapshot does not hold yet counts, and one sent relabelled counts in its new pool
 * or not at all, as kube-scheduler sees it.
 */
function gatewaysIn(pool: string, cluster: ClusterView, sent: SentNodes | undefined): number {
  const held = cluster.nodes.gatewayCount(pool);
  return sent === undefined ? held : Math.max(0, held + sent.gatewaysMovedInto(pool));
}

/**
 * Where the pod's gateway nodes are: `2 of department res's own and 1 in the shared pool`,
 * `1 in the shared pool (department res has none of its own)`, `1 in the shared pool` (no department).
 */
function describePools({ department }: PodContext, { own, shared }: GatewayPools): string {
  const inShared = `${shared} in the shared pool`;
  if (department === undefined) return inShared;
  if (own === 0) return `${inShared} (department ${department} has none of its own)`;
  const owned = `${own} of department ${department}'s own`;
  return shared === 0 ? owned : `${owned} and ${inShared}`;
}
