import { countsForSpread, type ClusterSnapshot, type DomainQuery, type PodView } from '@corral/cluster';
import { samePod, type AssumedPod, type AssumedPods } from './assumed-pods.js';
import type { NodeIndex } from './node-index.js';

/** The pod being decided: left out of every count, should the snapshot already place it. */
export interface Self {
  readonly namespace: string;
  readonly name: string;
  /** spec.priority (absent: 0): pods nominated with a lower one do not count against it. */
  readonly priority?: number;
}

/**
 * A pod taken out of the placements (a preemption victim), with what it added to them: bound (the
 * snapshot counts it, under its namespace's department), assumed (the extender's own binding, under
 * the department it was assumed with), or both for the moment the watch catches up.
 */
interface Evicted {
  readonly pod: PodView;
  readonly bound: boolean;
  readonly assumed: AssumedPod | undefined;
}

/** Evicted pods by node, then by `namespace/name`. */
type Evictions = ReadonlyMap<string, ReadonlyMap<string, Evicted>>;

/**
 * Where pods run, as the decisions must see it: the snapshot's bound pods plus the extender's
 * assumed ones (bound by the extender, not yet seen bound by the watch), less the pods `without`
 * took out (what preemption would evict). Reads cost what the snapshot's indexes cost, plus a map
 * read for the node's assumed pods; a copy is made only for a node that has assumed or evicted pods,
 * and the evicted ones (a preemption's few victims) are visited, never all pods.
 */
export class Placements {
  constructor(
    private readonly snapshot: ClusterSnapshot,
    private readonly nodes: NodeIndex,
    private readonly assumed: AssumedPods,
    private readonly evictions?: Evictions,
  ) {}

  /**
   * The same placements with `victims` (pods on `node`, keyed `namespace/name`, as `podsOnNode`
   * returns them) gone: what the node would look like once preemption evicted them. A key that is
   * not on the node is ignored.
   */
  without(node: string, victims: ReadonlyMap<string, PodView>): Placements {
    const bound = this.snapshot.podsOnNode(node);
    const assumed = this.assumed.onNode(node);
    const evicted = new Map<string, Evicted>();
    for (const [key, pod] of victims) {
      const entry = { pod, bound: bound.has(key), assumed: assumed?.get(key) };
      if (entry.bound || entry.assumed) evicted.set(key, entry);
    }
    const evictions = new Map(this.evictions);
    evictions.set(node, new Map([...(this.evictions?.get(node) ?? []), ...evicted]));
    return new Placements(this.snapshot, this.nodes, this.assumed, evictions);
  }

  /** Pods on the node, keyed `namespace/name`. */
  podsOnNode(node: string): ReadonlyMap<string, PodView> {
    const bound = this.snapshot.podsOnNode(node);
    const assumed = this.assumed.onNode(node);
    const evicted = this.evictions?.get(node);
    if (!assumed && !evicted) return bound;
    const all = new Map(bound);
    if (assumed) for (const [key, entry] of assumed) all.set(key, entry.pod);
    if (evicted) for (const key of evicted.keys()) all.delete(key);
    return all;
  }

  /**
   * Pending pods nominated to the node (kube-scheduler's preemption freed it for them), keyed
   * `namespace/name`, less those the extender has bound meanwhile (assumed, on any node): one map
   * read for a node nobody is nominated to, and a copy only when a nominated pod was assumed.
   */
  nominatedTo(node: string): ReadonlyMap<string, PodView> {
    const nominated = this.snapshot.podsNominatedTo(node);
    if (nominated.size === 0 || this.assumed.size === 0) return nominated;
    let left: Map<string, PodView> | undefined;
    for (const [key, pod] of nominated) {
      const assumed = this.assumed.get(key);
      if (assumed && samePod(pod, assumed)) (left ??= new Map(nominated)).delete(key);
    }
    return left ?? nominated;
  }

  /**
   * Department → its pods on the node (a pod under its namespace's isolation department: a deleted
   * or invalid Department's pods still count under its name, see isolationDepartmentOfNamespace).
   */
  departmentsOnNode(node: string): ReadonlyMap<string, number> {
    const bound = this.snapshot.departmentsOnNode(node);
    const assumed = this.assumed.onNode(node);
    const evicted = this.evictions?.get(node);
    if (!assumed && !evicted) return bound;
    const all = new Map(bound);
    if (assumed) for (const { department } of assumed.values()) add(all, department, 1);
    if (evicted) {
      for (const { pod, bound: wasBound, assumed: entry } of evicted.values()) {
        if (wasBound) add(all, this.snapshot.isolationDepartmentOfNamespace(pod.namespace), -1);
        if (entry) add(all, entry.department, -1);
      }
    }
    return all;
  }

  /**
   * Namespace → its pods on the node, for the namespaces the snapshot does not hold yet (their
   * department is unknown), less the evicted ones. The extender's assumed pods are never of such a
   * namespace (bind refuses a pod whose namespace it does not hold). One map read for most nodes.
   */
  unknownNamespacesOnNode(node: string): ReadonlyMap<string, number> {
    const bound = this.snapshot.unknownNamespacesOnNode(node);
    const evicted = this.evictions?.get(node);
    if (bound.size === 0 || !evicted) return bound;
    let left: Map<string, number> | undefined;
    for (const { pod, bound: wasBound } of evicted.values()) {
      if (wasBound && bound.has(pod.namespace)) add((left ??= new Map(bound)), pod.namespace, -1);
    }
    return left ?? bound;
  }

  /**
   * Pods of the query's namespace and label value in one topology domain, the pod itself left out,
   * as topology spread counts them: not the pods being deleted (countsForSpread). A domain of one
   * node (e.g. kubernetes.io/hostname) reads that node's pods, at most a kubelet's maxPods; a wider
   * one (a zone) reads the snapshot's per-domain counts: either way the cost does not grow with the
   * number of pods in the cluster.
   */
  countInDomain(query: DomainQuery, self: Self): number {
    const nodes = this.nodes.nodesInDomain(query.topologyKey, query.domain);
    if (nodes.length <= 1) {
      let count = 0;
      for (const node of nodes) count += countOnNode(this.podsOnNode(node), query, self);
      return count;
    }
    return (
      this.snapshot.countPodsInDomain(query) -
      this.selfCounted(query, self) +
      this.assumedIn(query, self) -
      this.evictedIn(query, self)
    );
  }

  /**
   * Pods of the query's namespace and label value on one node, the pod itself and pods being
   * deleted left out, whatever domain the node is in: for a node the snapshot does not hold yet
   * (full mode), whose pods (the extender's assumed ones, mostly) no domain count includes.
   */
  countOnNode(node: string, query: Omit<DomainQuery, 'topologyKey' | 'domain'>, self: Self): number {
    return countOnNode(this.podsOnNode(node), query, self);
  }

  /**
   * Pending pods nominated to the node (see nominatedTo: an assumed one counts where it is assumed,
   * never twice) of the query's namespace and label value whose priority is at least the pod's, the
   * pod itself left out. kube-scheduler filters a node as if they ran there already
   * (RunFilterPluginsWithNominatedPods), on that node alone: not on the other nodes of its domain.
   * One map read for a node nobody is nominated to.
   */
  countNominatedTo(node: string, query: Omit<DomainQuery, 'topologyKey' | 'domain'>, self: Self): number {
    const nominated = this.nominatedTo(node);
    if (nominated.size === 0) return 0;
    const priority = self.priority ?? 0;
    let count = 0;
    for (const pod of nominated.values()) {
      if (counts(pod, query) && pod.name !== self.name && (pod.priority ?? 0) >= priority) count += 1;
    }
    return count;
  }

  /** The evicted pods the domain's counts hold (bound and assumed counted as they were added). */
  private evictedIn(query: DomainQuery, self: Self): number {
    if (!this.evictions) return 0;
    let count = 0;
    for (const [node, evicted] of this.evictions) {
      if (this.snapshot.node(node)?.labels[query.topologyKey] !== query.domain) continue;
      for (const { pod, bound, assumed } of evicted.values()) {
        if (!counts(pod, query) || pod.name === self.name) continue;
        count += (bound ? 1 : 0) + (assumed ? 1 : 0);
      }
    }
    return count;
  }

  /** 1 when the snapshot's own version of the pod is among the domain's counted pods. */
  private selfCounted(query: DomainQuery, self: Self): number {
    const pod = this.snapshot.pod(self.namespace, self.name);
    if (!pod || !countsForSpread(pod) || pod.labels[query.labelKey] !== query.labelValue) return 0;
    return this.snapshot.node(pod.nodeName)?.labels[query.topologyKey] === query.domain ? 1 : 0;
  }

  private assumedIn(query: DomainQuery, self: Self): number {
    let count = 0;
    for (const { pod } of this.assumed.values()) {
      if (!counts(pod, query) || pod.name === self.name) continue;
      if (this.snapshot.node(pod.nodeName)?.labels[query.topologyKey] === query.domain) count += 1;
    }
    return count;
  }
}

/** Adds `delta` pods of `owner` (a department or a namespace; none: nothing) to the counts; a count reaching 0 goes. */
function add(counts: Map<string, number>, owner: string | undefined, delta: number): void {
  if (owner === undefined) return;
  const count = (counts.get(owner) ?? 0) + delta;
  if (count > 0) counts.set(owner, count);
  else counts.delete(owner);
}

/**
 * Does spread count the pod for the query: of its namespace and label value, and not being deleted
 * (kube-scheduler's PodTopologySpread bypasses terminating pods; see countsForSpread).
 */
function counts(pod: PodView, query: Pick<DomainQuery, 'namespace' | 'labelKey' | 'labelValue'>): boolean {
  return (
    pod.namespace === query.namespace &&
    pod.labels[query.labelKey] === query.labelValue &&
    pod.terminating !== true
  );
}

function countOnNode(
  pods: ReadonlyMap<string, PodView>,
  query: Pick<DomainQuery, 'namespace' | 'labelKey' | 'labelValue'>,
  self: Self,
): number {
  let count = 0;
  for (const pod of pods.values()) if (counts(pod, query) && pod.name !== self.name) count += 1;
  return count;
}
