import type { ClusterSnapshot } from '@corral/cluster';
import type { Candidate } from './candidate.js';

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
 * or a bind re-checking a node the filter was sent), as spread must count their domains: a node the
 * snapshot does not hold yet, or one relabelled since the snapshot saw it, is in the domain its Node
 * object names, as kube-scheduler counts it, and so are its pods. The snapshot's domain counts know
 * neither, so each domain count is corrected by the pods of the nodes that moved into or out of it.
 * Computed once per topology key and request, only when a spread rule asks; names-only requests
 * have no sent nodes (their views are the snapshot's own).
 */
export class SentNodes {
  private readonly moved = new Map<string, readonly MovedNode[]>();

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
