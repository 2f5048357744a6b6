import type { NodeView, PodView, ResourceList } from '@corral/cluster';

/**
 * A stand-in for kube-scheduler's own filters, which run BEFORE it asks the extender: the demo has
 * no kube-scheduler, and the extender must only ever see the nodes these let through (DESIGN.md
 * "Layered enforcement"). Only what the demo's pods exercise: taints and tolerations
 * (TaintToleration), `nodeSelector` and required node affinity (NodeAffinity), requests against
 * allocatable (NodeResourcesFit) and cordoned nodes (NodeUnschedulable). Reasons use
 * kube-scheduler's own wording.
 */
export interface KubeVerdict {
  readonly node: string;
  /** Empty when the node passes. */
  readonly reasons: readonly string[];
}

type Json = Record<string, unknown>;

const asJson = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const listOf = (value: unknown): Json[] =>
  Array.isArray(value) ? value.map(asJson).filter((item): item is Json => item !== undefined) : [];
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

const BLOCKING_EFFECTS: ReadonlySet<string> = new Set(['NoSchedule', 'NoExecute']);
const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

/** Does one toleration tolerate one taint (key, value, effect; `Exists` with no key tolerates all)? */
export function tolerates(toleration: Json, taint: { key: string; value?: string; effect: string }): boolean {
  const effect = text(toleration['effect']);
  if (effect !== '' && effect !== taint.effect) return false;
  const key = text(toleration['key']);
  if (text(toleration['operator']) === 'Exists') return key === '' || key === taint.key;
  return key === taint.key && text(toleration['value']) === (taint.value ?? '');
}

function untoleratedTaint(node: NodeView, tolerations: readonly Json[]): string | undefined {
  for (const taint of node.taints) {
    if (!BLOCKING_EFFECTS.has(taint.effect)) continue;
    if (tolerations.some((toleration) => tolerates(toleration, taint))) continue;
    return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  }
  return undefined;
}

/** One matchExpressions requirement against a node's labels. */
export function matchesRequirement(labels: Readonly<Record<string, string>>, requirement: Json): boolean {
  const value = labels[text(requirement['key'])];
  const values = Array.isArray(requirement['values']) ? requirement['values'].map(String) : [];
  switch (text(requirement['operator'])) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
    default:
      return false;
  }
}

function matchesTerm(node: NodeView, term: Json): boolean {
  const expressions = listOf(term['matchExpressions']);
  const fields = listOf(term['matchFields']);
  if (expressions.length === 0 && fields.length === 0) return false;
  return (
    expressions.every((requirement) => matchesRequirement(node.labels, requirement)) &&
    fields.every((requirement) => matchesRequirement({ 'metadata.name': node.name }, requirement))
  );
}

/** `nodeSelector` and required node affinity (terms ORed, expressions ANDed). */
export function matchesNodeAffinity(node: NodeView, spec: Json): boolean {
  const selector = asJson(spec['nodeSelector']) ?? {};
  if (Object.entries(selector).some(([key, value]) => node.labels[key] !== value)) return false;
  const required = asJson(
    asJson(asJson(spec['affinity'])?.['nodeAffinity'])?.['requiredDuringSchedulingIgnoredDuringExecution'],
  );
  if (!required) return true;
  return listOf(required['nodeSelectorTerms']).some((term) => matchesTerm(node, term));
}

/** kube-scheduler checks cpu, memory, ephemeral-storage and extended (`vendor/name`) resources. */
const isScheduledResource = (name: string): boolean =>
  name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name.includes('/');

function insufficient(node: NodeView, pod: PodView, used: ResourceList): string[] {
  const reasons: string[] = [];
  for (const [name, wanted] of pod.requests) {
    if (wanted <= 0n || !isScheduledResource(name)) continue;
    const free = (node.allocatable.get(name) ?? 0n) - (used.get(name) ?? 0n);
    if (wanted > free) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

/**
 * Given the pod (its raw spec and its view), the nodes, and what the running pods already request on
 * each node, returns a verdict per node in input order.
 */
export function kubeFilters(
  spec: Json,
  pod: PodView,
  nodes: readonly NodeView[],
  usedOn: (node: string) => ResourceList,
): KubeVerdict[] {
  const tolerations = listOf(spec['tolerations']);
  return nodes.map((node) => {
    const reasons: string[] = [];
    const tolerateCordon = tolerations.some((t) =>
      tolerates(t, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' }),
    );
    if (node.unschedulable && !tolerateCordon) reasons.push('node(s) were unschedulable');
    const taint = untoleratedTaint(node, tolerations);
    if (taint) reasons.push(taint);
    if (!matchesNodeAffinity(node, spec)) reasons.push("node(s) didn't match Pod's node affinity/selector");
    reasons.push(...insufficient(node, pod, usedOn(node.name)));
    return { node: node.name, reasons };
  });
}

/** Sums the requests of the non-terminal pods bound to a node. */
export function requestsOnNode(pods: Iterable<PodView>): ResourceList {
  const sum = new Map<string, bigint>();
  for (const pod of pods) {
    if (pod.terminal) continue;
    for (const [name, value] of pod.requests) sum.set(name, (sum.get(name) ?? 0n) + value);
  }
  return sum;
}
