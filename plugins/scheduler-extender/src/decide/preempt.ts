import type { PodView } from '@corral/cluster';
import type { DecideOptions } from './decide-options.js';
import { filterNodes } from './filter.js';
import type { PodContext } from './pod-context.js';
import type { ClusterView } from './rule-input.js';

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
 * Preempt: keeps a node's proposal only when the preemptor may use the node at all (no unresolvable
 * filter failure) and every victim is a known pod on that node of the preemptor's own department
 * (or, for a pod with no department, of no department). A proposal is all or nothing: the scheduler
 * needs every victim gone, so one forbidden victim drops the node.
 */
export function decidePreemption(
  pod: PodContext,
  proposals: ReadonlyMap<string, ProposedVictims>,
  cluster: ClusterView,
  options: DecideOptions,
): PreemptDecision {
  const kept = new Map<string, ProposedVictims>();
  const dropped = new Map<string, string>();
  for (const [node, victims] of proposals) {
    const reason = whyNot(pod, node, victims, cluster, options);
    if (reason === undefined) kept.set(node, victims);
    else dropped.set(node, reason);
  }
  return { kept, dropped };
}

function whyNot(
  pod: PodContext,
  node: string,
  victims: ProposedVictims,
  cluster: ClusterView,
  options: DecideOptions,
): string | undefined {
  const view = cluster.snapshot.node(node);
  if (!view) return `node ${node} is not in Corral's node cache`;
  const [verdict] = filterNodes(pod, [{ name: node, view }], cluster, options);
  const blocking = verdict?.results.find((result) => result.status === 'fail' && result.unresolvable);
  if (blocking) return blocking.message;
  const byUid = podsByUid(cluster.snapshot.podsOnNode(node));
  for (const uid of victims.uids) {
    const victim = byUid.get(uid);
    if (!victim) return `victim ${uid} is not a known pod on node ${node}`;
    const department = cluster.snapshot.departmentOfNamespace(victim.namespace);
    if (department !== pod.department) {
      return `victim ${victim.namespace}/${victim.name} belongs to ${department ?? 'no department'}, not to ${
        pod.department ?? 'no department'
      }`;
    }
  }
  return undefined;
}

function podsByUid(pods: ReadonlyMap<string, PodView>): Map<string, PodView> {
  const byUid = new Map<string, PodView>();
  for (const pod of pods.values()) byUid.set(pod.uid, pod);
  return byUid;
}
