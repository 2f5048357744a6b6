import type { ClusterSnapshot, NodeView } from '@corral/cluster';

/** Department name, or SHARED_POOL for nodes without the corral.dev/department label. */
export const SHARED_POOL = '';

/**
 * Indexes over the snapshot's nodes that the rules need and the snapshot does not keep: gateway nodes
 * per pool, and nodes per topology domain. Rebuilt lazily after a Node change (pods never touch it),
 * so a request costs index reads, not a scan of every node.
 */
export class NodeIndex {
  private dirty = true;
  private gatewaysByPool = new Map<string, number>();
  private readonly domains = new Map<string, Map<string, string[]>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly snapshot: ClusterSnapshot) {
    this.unsubscribe = snapshot.onChange((change) => {
      if (change.kind === 'Node') this.dirty = true;
    });
  }

  /** Gateway nodes in a pool (a department's own, or SHARED_POOL). */
  gatewayCount(pool: string): number {
    this.refresh();
    return this.gatewaysByPool.get(pool) ?? 0;
  }

  /** Names of the nodes whose label `topologyKey` is `value`. */
  nodesInDomain(topologyKey: string, value: string): readonly string[] {
    this.refresh();
    let byValue = this.domains.get(topologyKey);
    if (!byValue) {
      byValue = new Map();
      for (const node of this.snapshot.nodes()) addToDomain(byValue, node, topologyKey);
      this.domains.set(topologyKey, byValue);
    }
    return byValue.get(value) ?? [];
  }

  stop(): void {
    this.unsubscribe();
  }

  private refresh(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.domains.clear();
    this.gatewaysByPool = new Map();
    for (const node of this.snapshot.nodes()) {
      if (node.role !== 'gateway') continue;
      const pool = node.department ?? SHARED_POOL;
      this.gatewaysByPool.set(pool, (this.gatewaysByPool.get(pool) ?? 0) + 1);
    }
  }
}

function addToDomain(byValue: Map<string, string[]>, node: NodeView, topologyKey: string): void {
  const value = node.labels[topologyKey];
  if (value === undefined) return;
  const names = byValue.get(value);
  if (names) names.push(node.name);
  else byValue.set(value, [node.name]);
}
