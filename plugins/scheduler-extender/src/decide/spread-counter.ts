import type { ClusterSnapshot } from '@corral/cluster';
import type { NodeIndex } from './node-index.js';

export interface SpreadQuery {
  readonly namespace: string;
  readonly labelKey: string;
  readonly labelValue: string;
  readonly topologyKey: string;
  readonly domain: string;
  /** `namespace/name` of the pod being scheduled: never counted. */
  readonly exclude: string;
}

/**
 * Counts a namespace's pods carrying one label value in one topology domain, by visiting the pods of
 * the domain's nodes (podsOnNode). One counter lives for one request and memoizes each domain, so a
 * request visits each domain once however many candidate nodes share it.
 */
export class SpreadCounter {
  private readonly memo = new Map<string, number>();

  constructor(
    private readonly snapshot: ClusterSnapshot,
    private readonly nodes: NodeIndex,
  ) {}

  count(query: SpreadQuery): number {
    const key = [query.namespace, query.labelKey, query.labelValue, query.topologyKey, query.domain].join(
      '\u0000',
    );
    let count = this.memo.get(key);
    if (count === undefined) {
      count = this.countNow(query);
      this.memo.set(key, count);
    }
    return count;
  }

  private countNow(query: SpreadQuery): number {
    let count = 0;
    for (const node of this.nodes.nodesInDomain(query.topologyKey, query.domain)) {
      for (const [key, pod] of this.snapshot.podsOnNode(node)) {
        if (key === query.exclude || pod.namespace !== query.namespace) continue;
        if (pod.labels[query.labelKey] === query.labelValue) count += 1;
      }
    }
    return count;
  }
}
