import type { NodeView } from '../views/node-view.js';
import type { PodView } from '../views/pod-view.js';
import { occupiesNode } from './placement-index.js';

/** Pods of one namespace carrying one label value, in one topology domain. */
export interface DomainQuery {
  /** Node label naming the domain, e.g. `topology.kubernetes.io/zone`. */
  readonly topologyKey: string;
  /** The domain: the value of `topologyKey` on the nodes it spans, e.g. `eu-1a`. */
  readonly domain: string;
  readonly namespace: string;
  readonly labelKey: string;
  readonly labelValue: string;
}

/** What the index reads when it starts tracking a pair and when a node changes. */
export interface DomainSource {
  pods(): Iterable<PodView>;
  node(name: string): NodeView | undefined;
  podsOnNode(node: string): Iterable<PodView>;
}

/** domain → namespace → label value → number of pods. Empty maps are deleted, so maps compare exactly. */
export type DomainCounts = Map<string, Map<string, Map<string, number>>>;

interface Tracked {
  readonly topologyKey: string;
  readonly labelKey: string;
  readonly counts: DomainCounts;
}

const pairKey = (topologyKey: string, labelKey: string) => `${topologyKey}\u0000${labelKey}`;

/**
 * Does topology spread count the pod: it occupies a node (bound, not terminal) and is not being
 * deleted? kube-scheduler's PodTopologySpread skips terminating pods ("Bypass terminating Pod",
 * countPodsMatchSelector), so the old replicas of a rolling update do not keep the new ones out.
 * Department isolation and free GPUs still count them (podsOnNode): they run until they are gone.
 */
export function countsForSpread(pod: PodView): pod is PodView & { nodeName: string } {
  return occupiesNode(pod) && pod.terminating !== true;
}

/**
 * Pods that count for spread (countsForSpread) per (topology domain, namespace, label value), one
 * table per (topology key, label key) pair, so that "how many pods of namespace N with app=web run
 * in zone eu-1a" is three map reads whatever the number of pods or nodes. A pair is tracked from
 * the first question about it (one pass over the pods), then kept current: a pod event adjusts one
 * count per tracked pair (a pod gaining a deletionTimestamp, a MODIFIED event, leaves the counts:
 * the store removes its old view, then adds the new), a node whose topology label changes moves its
 * own pods' counts.
 */
export class DomainIndex {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly source: DomainSource) {}

  count(query: DomainQuery): number {
    const tracked = this.track(query.topologyKey, query.labelKey);
    return tracked.counts.get(query.domain)?.get(query.namespace)?.get(query.labelValue) ?? 0;
  }

  /** The counts of one pair (tracking it if needed): for the reference recomputation in tests. */
  countsOf(topologyKey: string, labelKey: string): DomainCounts {
    return this.track(topologyKey, labelKey).counts;
  }

  /** The pairs tracked so far. */
  pairs(): { topologyKey: string; labelKey: string }[] {
    return [...this.tracked.values()].map(({ topologyKey, labelKey }) => ({ topologyKey, labelKey }));
  }

  addPod(pod: PodView): void {
    this.countPod(pod, 1);
  }

  removePod(pod: PodView): void {
    this.countPod(pod, -1);
  }

  /** A node added, changed or removed (`after` undefined): its pods follow its topology labels. */
  moveNode(name: string, before: NodeView | undefined, after: NodeView | undefined): void {
    for (const { topologyKey, labelKey, counts } of this.tracked.values()) {
      const from = before?.labels[topologyKey];
      const to = after?.labels[topologyKey];
      if (from === to) continue;
      for (const pod of this.source.podsOnNode(name)) {
        const value = pod.labels[labelKey];
        if (value === undefined || !countsForSpread(pod)) continue;
        if (from !== undefined) bumpDomain(counts, from, pod.namespace, value, -1);
        if (to !== undefined) bumpDomain(counts, to, pod.namespace, value, 1);
      }
    }
  }

  private countPod(pod: PodView, delta: 1 | -1): void {
    if (this.tracked.size === 0 || !countsForSpread(pod)) return;
    const node = this.source.node(pod.nodeName);
    if (!node) return;
    for (const { topologyKey, labelKey, counts } of this.tracked.values()) {
      const domain = node.labels[topologyKey];
      const value = pod.labels[labelKey];
      if (domain !== undefined && value !== undefined)
        bumpDomain(counts, domain, pod.namespace, value, delta);
    }
  }

  private track(topologyKey: string, labelKey: string): Tracked {
    const key = pairKey(topologyKey, labelKey);
    let tracked = this.tracked.get(key);
    if (!tracked) {
      tracked = { topologyKey, labelKey, counts: countAll(this.source, topologyKey, labelKey) };
      this.tracked.set(key, tracked);
    }
    return tracked;
  }
}

/** The counts of one pair from scratch: the build of a newly tracked pair, and the tests' reference. */
export function countAll(source: DomainSource, topologyKey: string, labelKey: string): DomainCounts {
  const counts: DomainCounts = new Map();
  for (const pod of source.pods()) {
    if (!countsForSpread(pod)) continue;
    const domain = source.node(pod.nodeName)?.labels[topologyKey];
    const value = pod.labels[labelKey];
    if (domain !== undefined && value !== undefined) bumpDomain(counts, domain, pod.namespace, value, 1);
  }
  return counts;
}

function bumpDomain(counts: DomainCounts, domain: string, namespace: string, value: string, delta: number) {
  let byNamespace = counts.get(domain);
  if (!byNamespace) counts.set(domain, (byNamespace = new Map()));
  let byValue = byNamespace.get(namespace);
  if (!byValue) byNamespace.set(namespace, (byValue = new Map()));
  const next = (byValue.get(value) ?? 0) + delta;
  if (next !== 0) return void byValue.set(value, next);
  byValue.delete(value);
  if (byValue.size === 0) byNamespace.delete(namespace);
  if (byNamespace.size === 0) counts.delete(domain);
}
