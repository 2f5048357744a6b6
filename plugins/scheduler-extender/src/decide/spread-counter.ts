import type { SpreadRule } from '@corral/policy';
import type { DomainQuery } from '@corral/cluster';
import type { Placements, Self } from './placements.js';
import type { MovedNode, SentNodes } from './sent-nodes.js';

type NodeQuery = Omit<DomainQuery, 'topologyKey' | 'domain'>;

/**
 * Counts, for one request, the pods of the pod's namespace carrying its value of a spread rule's
 * label, per topology domain (the pod itself and pods being deleted left out), memoized per (rule,
 * domain): a request asks each domain once however many candidate nodes share it. Counting itself
 * is index reads (see Placements.countInDomain). Pods nominated to a node count on that node alone
 * (countNominated), as kube-scheduler adds them to the node it filters. With Node objects sent in the
 * request (`sent`), a node the snapshot does not hold or holds in another domain counts, with its
 * pods, in the domain its Node object names (see SentNodes).
 */
export class SpreadCounter {
  private readonly memo = new Map<SpreadRule, Map<string, number>>();
  /** The last node query asked (asked for every node that would pass, with the same few values). */
  private lastQuery: NodeQuery | undefined;

  constructor(
    private readonly placements: Placements,
    private readonly self: Self,
    private readonly sent?: SentNodes,
  ) {}

  /**
   * Pending pods with `labelValue` nominated to `node` (preemption freed it for them) whose priority
   * is at least the pod's: added to that node's domain count for that node only. Not memoized: one
   * map read for the (most) nodes nobody is nominated to.
   */
  countNominated(rule: SpreadRule, labelValue: string, node: string): number {
    return this.placements.countNominatedTo(node, this.nodeQuery(rule.labelKey, labelValue), this.self);
  }

  /** The pod's namespace, label key and value, as a query: a kept one when asked alike before. */
  private nodeQuery(labelKey: string, labelValue: string): NodeQuery {
    const last = this.lastQuery;
    if (last && last.labelKey === labelKey && last.labelValue === labelValue) return last;
    return (this.lastQuery = { namespace: this.self.namespace, labelKey, labelValue });
  }

  /** Pods with `labelValue` (the pod's own value of the rule's label) in `domain`. */
  count(rule: SpreadRule, labelValue: string, domain: string): number {
    let byDomain = this.memo.get(rule);
    if (!byDomain) this.memo.set(rule, (byDomain = new Map()));
    let count = byDomain.get(domain);
    if (count === undefined) {
      const { labelKey, topologyKey } = rule;
      const query = { namespace: this.self.namespace, labelKey, labelValue, topologyKey, domain };
      count = this.placements.countInDomain(query, this.self);
      if (this.sent)
        count = withMoved(count, this.sent.movedFor(topologyKey), this.placements, query, this.self);
      byDomain.set(domain, count);
    }
    return count;
  }
}

/**
 * A domain's count corrected by the sent nodes that moved into it (their pods added) or out of it
 * (their pods, which the snapshot counts there, taken away).
 */
function withMoved(
  count: number,
  moved: readonly MovedNode[],
  placements: Placements,
  query: DomainQuery,
  self: Self,
): number {
  for (const { name, from, to } of moved) {
    if (to === query.domain) count += placements.countOnNode(name, query, self);
    else if (from === query.domain) count -= placements.countOnNode(name, query, self);
  }
  return Math.max(0, count);
}
