import type { NodeView, PodView } from '@corral/cluster';
import type { DecideOptions } from './decide-options.js';
import { filterNodes } from './filter.js';
import type { PodContext } from './pod-context.js';
import type { ClusterView } from './rule-input.js';
import { refusedAsSent, viewsToJudge, type JudgedView } from './sent-nodes.js';
import { refuses, type RuleResult } from './verdict.js';

/** Victims kube-scheduler proposes on one node, by UID. */
export interface ProposedVictims {
  readonly uids: readonly string[];
  readonly numPdbViolations: number;
}

export interface PreemptDecision {
  /** Nodes kept, with their victims unchanged. */
  readonly kept: ReadonlyMap<string, ProposedVictims>;
  /** Nodes dropped, with why (for the log). */
  readonly dropped: ReadonlyMap<string, string>;
}

/**
 * The Node object a full-mode filter was sent for a node (see viewsToJudge): the preempt request
 * carries none. Undefined when there is none to use (names-only mode, say).
 */
export type SentNodeLookup = (node: string) => NodeView | undefined;

const NONE_SENT: SentNodeLookup = () => undefined;

/**
 * Preempt: keeps a node's proposal only when every victim is a known pod on that node of the
 * preemptor's own department (or, for a pod with no department, of no department), and the node
 * passes every filter rule once the victims are gone: an unresolvable refusal (the node is not the
 * preemptor's to use) drops it, and so does a resolvable one the evictions do not cure (a spread
 * domain or the GPUs still full, say because the victims are other pods). A proposal is all or
 * nothing: the scheduler needs every victim gone, so one forbidden victim drops the node. Pods of
 * system namespaces pass through untouched, as they do in filter.
 *
 * The rules judge the node by the snapshot's view and, in full mode, by the Node object the filter
 * was sent (`sent`) when it differs, as bind re-checks it: a node the snapshot does not hold yet is
 * judged by that object alone, and one neither knows is dropped (nothing to judge its labels by).
 */
export function decidePreemption(
  pod: PodContext,
  proposals: ReadonlyMap<string, ProposedVictims>,
  cluster: ClusterView,
  options: DecideOptions,
  sent: SentNodeLookup = NONE_SENT,
): PreemptDecision {
  if (options.systemNamespaces.has(pod.pod.namespace))
    return { kept: new Map(proposals), dropped: new Map() };
  const kept = new Map<string, ProposedVictims>();
  const dropped = new Map<string, string>();
  for (const [node, victims] of proposals) {
    const views = viewsToJudge(cluster.snapshot.node(node), sent(node));
    const reason = whyNot(pod, node, views, victims, cluster, options);
    if (reason === undefined) kept.set(node, victims);
    else dropped.set(node, reason);
  }
  return { kept, dropped };
}

function whyNot(
  pod: PodContext,
  node: string,
  views: readonly JudgedView[],
  victims: ProposedVictims,
  cluster: ClusterView,
  options: DecideOptions,
): string | undefined {
  if (views.length === 0) return `node ${node} is not in Corral's node cache`;
  const evicted = victimsOn(node, victims.uids, cluster);
  if (typeof evicted === 'string') return evicted;
  for (const victim of evicted.values()) {
    const foreign = foreignVictim(pod, victim, cluster, options);
    if (foreign !== undefined) return foreign;
  }
  for (const { view, asSent } of views) {
    const refusal = refusalAfter(pod, node, view, evicted, cluster, options);
    if (refusal !== undefined) return asSent ? refusedAsSent(refusal) : refusal;
  }
  // kube-scheduler fails the whole preemption on a node answered with no victim (callExtenders).
  return evicted.size === 0 ? `no victim proposed on node ${node}` : undefined;
}

/**
 * Why the preemptor may not evict the victim, undefined when it may: the victim is of another
 * department, or of a namespace the snapshot does not hold yet (pods and namespaces come from two
 * watches), whose department cannot be known: guessing "none" would let a pod of no department
 * evict another department's pod. A namespace labelled for a department no valid Department serves
 * is that department's, as in isolation; a system namespace is of no department.
 */
function foreignVictim(
  pod: PodContext,
  victim: PodView,
  cluster: ClusterView,
  options: DecideOptions,
): string | undefined {
  const { namespace, name } = victim;
  if (!options.systemNamespaces.has(namespace) && !cluster.snapshot.namespace(namespace)) {
    return `victim ${namespace}/${name} is in namespace ${namespace}, which Corral's cache does not hold yet: its department is unknown`;
  }
  const department = cluster.snapshot.isolationDepartmentOfNamespace(namespace);
  if (department === pod.department) return undefined;
  return `victim ${namespace}/${name} belongs to ${department ?? 'no department'}, not to ${
    pod.department ?? 'no department'
  }`;
}

/**
 * The node's pods named by the victims' UIDs, keyed `namespace/name` (the placements' own pods:
 * bound, or assumed by the extender's bind), or why one cannot be found. An empty UID (a victim
 * sent without one) names no pod, not even one the snapshot holds without a UID.
 */
function victimsOn(
  node: string,
  uids: readonly string[],
  cluster: ClusterView,
): ReadonlyMap<string, PodView> | string {
  const evicted = new Map<string, PodView>();
  if (uids.length === 0) return evicted;
  if (uids.includes('')) return `a victim on node ${node} has no UID`;
  const byUid = new Map<string, [string, PodView]>();
  for (const entry of cluster.placements.podsOnNode(node)) byUid.set(entry[1].uid, entry);
  for (const uid of uids) {
    const entry = byUid.get(uid);
    if (!entry) return `victim ${uid} is not a known pod on node ${node}`;
    evicted.set(...entry);
  }
  return evicted;
}

/**
 * Why the node still refuses the preemptor once the victims are evicted: every rule decided against
 * the placements without them; an unresolvable refusal is named first. Undefined: it fits.
 */
function refusalAfter(
  pod: PodContext,
  node: string,
  view: NodeView,
  evicted: ReadonlyMap<string, PodView>,
  cluster: ClusterView,
  options: DecideOptions,
): string | undefined {
  const after: ClusterView = { ...cluster, placements: cluster.placements.without(node, evicted) };
  const [verdict] = filterNodes(pod, [{ name: node, view }], after, options, { allReasons: true });
  const refusals = verdict?.results.filter(refuses) ?? [];
  if (refusals.length === 0) return undefined;
  const blocking = refusals.find((result) => result.unresolvable);
  if (blocking) return `${describe(blocking)} (unresolvable)`;
  return `still refused once the victims are evicted: ${refusals.map(describe).join('; ')}`;
}

const describe = (result: RuleResult) => `${result.rule}: ${result.message}`;
