import type { SpreadRule } from '@corral/policy';
import type { DomainQuery } from '@corral/cluster';
import type { Placements, Self } from './placements.js';

type NodeQuery = Omit<DomainQuery, 'topologyKey' | 'domain'>;

/**
 * Counts, for one request, the pods of the pod's namespace carrying its value of a spread rule's
 * label, per topology domain (the pod itself and pods being deleted left out), memoized per (rule,
 * domain): a request asks each domain once however many candidate nodes share it. Counting itself
 * is index reads (see Placements.countInDomain). Pods nominated to a node count on that node alone
 * (countNominated), as kube-scheduler adds them to the node it filters.
 */
export class SpreadCounter {
  private readonly memo = new Map<SpreadRule, Map<string, number>>();
  /** The last node query asked (asked for every node that would pass, with the same few values). */
  private lastQuery: NodeQuery | undefined;

  constructor(
    private readonly placements: Placements,
    private readonly self: Self,
  ) {}

  /**
   * Pods with `labelValue` on `node`, a node the snapshot does not hold yet (full mode): no domain
   * count includes them. Not memoized: asked once per such node and rule.
   */
  countOnUnseenNode(rule: SpreadRule, labelValue: string, node: string): number {
    const query = { namespace: this.self.namespace, labelKey: rule.labelKey, labelValue };
    return this.placements.countOnNode(node, query, this.self);
  }

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
      byDomain.set(domain, count);
    }
    return count;
  }
}
