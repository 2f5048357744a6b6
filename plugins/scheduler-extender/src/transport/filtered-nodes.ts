import type { ClusterSnapshot, NodeView } from '@corral/cluster';
import type { Candidate } from '../decide/candidate.js';
import { judgedAlike } from '../decide/sent-nodes.js';
import { Recent } from './filtered-pods.js';

interface SentNode {
  readonly view: NodeView;
  /** The filter call that sent it. */
  readonly call: number;
}

/**
 * The Node objects full-mode filters (`nodeCacheCapable: false`) were sent that the snapshot did
 * not hold, or held with other labels or allocatable (see judgedAlike), by name, with the filter
 * call that sent each; and each pod's last filter call, in either mode. Bind and preempt carry no
 * Node object: bind re-checks its node against such an object as well as the snapshot's view, and
 * preempt judges its nodes likewise (a node the snapshot lacks by the object alone). Only an object
 * sent by the pod's own last filter or a later one counts: kube-scheduler chose the node from that
 * call, and an older object (say, from before kube-scheduler was switched to names only) tells
 * nothing newer. A node sent alike the snapshot's view is forgotten (the snapshot says the same).
 * Bounded, the oldest entries going first, like FilteredPods.
 */
export class FilteredNodes {
  private calls = 0;
  private readonly nodes = new Recent<SentNode>();
  private readonly pods = new Recent<number>();

  /**
   * One filter call for the pod `podKey`; `sent`: its candidates when their views are the Node
   * objects the request sent (full mode), undefined in names-only mode.
   */
  filtered(podKey: string, sent: readonly Candidate[] | undefined, snapshot: ClusterSnapshot): void {
    const call = ++this.calls;
    this.pods.remember(podKey, call);
    if (!sent) return;
    for (const { name, view } of sent) {
      if (!view) continue;
      const held = snapshot.node(name);
      if (held && judgedAlike(held, view)) this.nodes.forget(name);
      else this.nodes.remember(name, { view, call });
    }
  }

  /** The Node object last sent for `node` by the pod's last filter call or a later one, if any. */
  sentFor(podKey: string, node: string): NodeView | undefined {
    const since = this.pods.get(podKey);
    if (since === undefined) return undefined;
    const sent = this.nodes.get(node);
    return sent !== undefined && sent.call >= since ? sent.view : undefined;
  }
}
