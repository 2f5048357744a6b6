/**
 * The pod as the API holds it, read back after a binding call whose outcome is unknown (given up at
 * its timeout, a 5xx, the connection lost once sent): `found: false` when the API has no pod of that
 * name (404).
 */
export type PodReadBack =
  | { readonly found: false }
  | { readonly found: true; readonly uid: string; readonly nodeName: string | undefined };

/** What becomes of the bind's own assumption once the pod was read back. */
export type ReadBackDecision =
  | { readonly action: 'keep' }
  | { readonly action: 'forget' }
  | { readonly action: 'move'; readonly node: string };

/** The binding call that failed: the pod's UID ('' when kube-scheduler sent none) and the node. */
export interface UnknownBind {
  readonly uid: string;
  readonly node: string;
}

/**
 * After a binding call of unknown outcome, what the read-back means for the pod's assumption on
 * `bind.node`: the read failed (undefined), or the pod (same UID) is bound to that node: keep it
 * (the watch confirms it, or it expires). Bound to another node (an earlier bind went through):
 * move it there, as after a 409 naming where it is bound. Unbound, gone, or another pod of that name
 * (another UID): forget it, so the node is free again for other departments at once.
 */
export function assumptionAfterReadBack(
  readBack: PodReadBack | undefined,
  bind: UnknownBind,
): ReadBackDecision {
  if (readBack === undefined) return { action: 'keep' };
  if (!readBack.found) return { action: 'forget' };
  if (bind.uid !== '' && readBack.uid !== bind.uid) return { action: 'forget' };
  if (readBack.nodeName === undefined || readBack.nodeName === '') return { action: 'forget' };
  if (readBack.nodeName === bind.node) return { action: 'keep' };
  return { action: 'move', node: readBack.nodeName };
}
