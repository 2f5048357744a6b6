import type { NodeView } from '@corral/cluster';

/** A node kube-scheduler asked about: its name, and its view when known (request or snapshot). */
export interface Candidate {
  readonly name: string;
  readonly view?: NodeView;
  /** Why the Node object the request sent cannot be read (full mode); then there is no view. */
  readonly problem?: string;
}

/** Names only (nodeCacheCapable): each node looked up in the snapshot. */
export function candidatesFromNames(
  names: readonly string[],
  lookup: (name: string) => NodeView | undefined,
): Candidate[] {
  return names.map((name) => {
    const view = lookup(name);
    return view ? { name, view } : { name };
  });
}
