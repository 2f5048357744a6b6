import type { ClusterSnapshot, DomainQuery, PodView } from '@corral/cluster';
import type { AssumedPods } from './assumed-pods.js';
import type { NodeIndex } from './node-index.js';

/** The pod being decided: left out of every count, should the snapshot already place it. */
export interface Self {
  readonly namespace: string;
  readonly name: string;
}

/**
 * Where pods run, as the decisions must see it: the snapshot's bound pods plus the extender's
 * assumed ones (bound by the extender, not yet seen bound by the watch). Reads cost what the
 * snapshot's indexes cost, plus a map read for the node's assumed pods; a copy is made only for a
 * node that has some.
 */
export class Placements {
  constructor(
    private readonly snapshot: ClusterSnapshot,
    private readonly nodes: NodeIndex,
    private readonly assumed: AssumedPods,
  ) {}

  /** Pods on the node, keyed `namespace/name`. */
  podsOnNode(node: string): ReadonlyMap<string, PodView> {
    const bound = this.snapshot.podsOnNode(node);
    const assumed = this.assumed.onNode(node);
    if (!assumed) return bound;
    const all = new Map(bound);
    for (const [key, entry] of assumed) all.set(key, entry.pod);
    return all;
  }

  /** Department → its pods on the node. */
  departmentsOnNode(node: string): ReadonlyMap<string, number> {
    const bound = this.snapshot.departmentsOnNode(node);
    const assumed = this.assumed.onNode(node);
    if (!assumed) return bound;
    const all = new Map(bound);
    for (const { department } of assumed.values())
      if (department !== undefined) all.set(department, (all.get(department) ?? 0) + 1);
    return all;
  }

  /**
   * Pods of the query's namespace and label value in one topology domain, the pod itself left out.
   * A domain of one node (e.g. kubernetes.io/hostname) reads that node's pods, at most a kubelet's
   * maxPods; a wider one (a zone) reads the snapshot's per-domain counts: either way the cost does
   * not grow with the number of pods in the cluster.
   */
  countInDomain(query: DomainQuery, self: Self): number {
    const nodes = this.nodes.nodesInDomain(query.topologyKey, query.domain);
    if (nodes.length <= 1) {
      let count = 0;
      for (const node of nodes) count += countOnNode(this.podsOnNode(node), query, self);
      return count;
    }
    return (
      this.snapshot.countPodsInDomain(query) - this.selfCounted(query, self) + this.assumedIn(query, self)
    );
  }

  /** 1 when the snapshot's own version of the pod is among the domain's counted pods. */
  private selfCounted(query: DomainQuery, self: Self): number {
    const pod = this.snapshot.pod(self.namespace, self.name);
    if (!pod?.nodeName || pod.terminal || pod.labels[query.labelKey] !== query.labelValue) return 0;
    return this.snapshot.node(pod.nodeName)?.labels[query.topologyKey] === query.domain ? 1 : 0;
  }

  private assumedIn(query: DomainQuery, self: Self): number {
    let count = 0;
    for (const { pod } of this.assumed.values()) {
      if (!matches(pod, query) || pod.name === self.name) continue;
      if (this.snapshot.node(pod.nodeName)?.labels[query.topologyKey] === query.domain) count += 1;
    }
    return count;
  }
}

function matches(pod: PodView, query: DomainQuery): boolean {
  return pod.namespace === query.namespace && pod.labels[query.labelKey] === query.labelValue;
}

function countOnNode(pods: ReadonlyMap<string, PodView>, query: DomainQuery, self: Self): number {
  let count = 0;
  for (const pod of pods.values()) if (matches(pod, query) && pod.name !== self.name) count += 1;
  return count;
}
