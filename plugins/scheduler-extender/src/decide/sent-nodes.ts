import type { ClusterSnapshot, NodeView } from '@corral/cluster';
import type { Candidate } from './candidate.js';
import { SHARED_POOL } from './node-index.js';

/** A node whose Node object puts it in another topology domain than the snapshot's view of it. */
export interface MovedNode {
  readonly name: string;
  /** Its domain in the snapshot (undefined: not held, or without the label there). */
  readonly from: string | undefined;
  /** Its domain as sent (undefined: sent without the label). */
  readonly to: string | undefined;
}

const NONE: readonly MovedNode[] = Object.freeze([]);

/**
 * The candidates whose Node objects came with the request (full mode, `nodeCacheCapable: false`,
 * or a bind or preempt judging a node by the Node object a filter was sent), as spread must count
 * their domains and gateway-nodes their pools: a node the snapshot does not hold yet, or one
 * relabelled since the snapshot saw it, is in the domain and pool its Node object names, as
 * kube-scheduler sees it, and so are its pods. The snapshot's counts know neither, so each domain
 * count is corrected by the pods of the nodes that moved into or out of it, and each pool's gateway
 * count by the gateway nodes that moved. Computed once per topology key (gateways: once) and
 * request, only when a rule asks; names-only requests have no sent nodes (their views are the
 * snapshot's own).
 */
export class SentNodes {
  private readonly moved = new Map<string, readonly MovedNode[]>();
  private gateways: ReadonlyMap<string, number> | undefined;

  constructor(
    private readonly candidates: readonly Candidate[],
    private readonly snapshot: ClusterSnapshot,
  ) {}

  /** The sent nodes whose `topologyKey` label differs from the snapshot's (usually none). */
  movedFor(topologyKey: string): readonly MovedNode[] {
    let moved = this.moved.get(topologyKey);
    if (moved === undefined) {
      moved = movedNodes(this.candidates, this.snapshot, topologyKey);
      this.moved.set(topologyKey, moved);
    }
    return moved;
  }

  /**
   * How many gateway nodes the sent nodes add to a pool (a department's own, or SHARED_POOL), or
   * take from it (negative), against the snapshot's count: usually 0.
   */
  gatewaysMovedInto(pool: string): number {
    this.gateways ??= movedGateways(this.candidates, this.snapshot);
    return this.gateways.get(pool) ?? 0;
  }
}

/** The pool a gateway node belongs to; undefined for a node that is not a gateway (or none). */
function gatewayPool(node: NodeView | undefined): string | undefined {
  return node?.role === 'gateway' ? (node.department ?? SHARED_POOL) : undefined;
}

function movedGateways(
  candidates: readonly Candidate[],
  snapshot: ClusterSnapshot,
): ReadonlyMap<string, number> {
  const delta = new Map<string, number>();
  const add = (pool: string | undefined, n: number) => {
    if (pool !== undefined) delta.set(pool, (delta.get(pool) ?? 0) + n);
  };
  for (const { name, view } of candidates) {
    if (!view) continue;
    const held = snapshot.node(name);
    if (held === view) continue;
    const from = gatewayPool(held);
    const to = gatewayPool(view);
    if (from === to) continue;
    add(from, -1);
    add(to, 1);
  }
  return delta;
}

function movedNodes(
  candidates: readonly Candidate[],
  snapshot: ClusterSnapshot,
  topologyKey: string,
): readonly MovedNode[] {
  let moved: MovedNode[] | undefined;
  for (const { name, view } of candidates) {
    if (!view) continue;
    const held = snapshot.node(name);
    if (held === view) continue;
    const from = held?.labels[topologyKey];
    const to = view.labels[topologyKey];
    if (from !== to) (moved ??= []).push({ name, from, to });
  }
  return moved ?? NONE;
}

/**
 * Whether two views of one node read alike to every rule: the same labels (department, role,
 * topology) and allocatable (GPUs). A full-mode filter's Node object alike the snapshot's need not
 * be kept for bind or preempt: the snapshot's says the same.
 */
export function judgedAlike(a: NodeView, b: NodeView): boolean {
  if (a === b) return true;
  return sameLabels(a.labels, b.labels) && sameQuantities(a.allocatable, b.allocatable);
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

function sameQuantities(a: ReadonlyMap<string, bigint>, b: ReadonlyMap<string, bigint>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, quantity] of a) if (b.get(name) !== quantity) return false;
  return true;
}

/** A view a node is judged by, and whether it is a Node object sent that differs from the snapshot's. */
export interface JudgedView {
  readonly view: NodeView;
  /** The Node object kube-scheduler sent, next to a snapshot view that differs from it. */
  readonly asSent: boolean;
}

/**
 * The views bind and preempt judge a node by (they carry no Node object; a filter may have been sent
 * one): the snapshot's, and the Node object a full-mode filter was sent when it differs (see
 * judgedAlike), or the latter alone when the snapshot does not hold the node yet. Neither knows
 * which is newer (kube-scheduler's cache or Corral's watch), so the node must fit under each: a node
 * relabelled since the pod's filter is refused whichever saw it first. Empty: neither is known.
 */
export function viewsToJudge(held: NodeView | undefined, sent: NodeView | undefined): JudgedView[] {
  const views: JudgedView[] = [];
  if (held) views.push({ view: held, asSent: false });
  if (sent && !(held && judgedAlike(held, sent))) views.push({ view: sent, asSent: held !== undefined });
  return views;
}

/** A refusal under a sent view that differs from the snapshot's (see viewsToJudge), saying so. */
export const refusedAsSent = (reason: string): string =>
  `by the Node object kube-scheduler sent last: ${reason}`;
