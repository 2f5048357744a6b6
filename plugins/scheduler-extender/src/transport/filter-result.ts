import type { NodesIn } from './extender-args.js';

/** ExtenderFilterResult, written with Go's field names. */
export interface ExtenderFilterResult {
  Nodes: { metadata: unknown; items: unknown[] } | null;
  NodeNames: string[] | null;
  FailedNodes: Record<string, string>;
  FailedAndUnresolvableNodes: Record<string, string>;
  Error: string;
}

/** A refused node and why. */
export interface Refusal {
  readonly reason: string;
  readonly unresolvable: boolean;
}

/**
 * Given the request's nodes and the refusals by node name, returns the filter answer in the request's
 * mode: the passing subset of the input (same order, never a node it did not send), each refused node
 * under FailedNodes or FailedAndUnresolvableNodes.
 */
export function filterResult(nodes: NodesIn, refusals: ReadonlyMap<string, Refusal>): ExtenderFilterResult {
  const failed: Record<string, string> = {};
  const unresolvable: Record<string, string> = {};
  for (const [name, refusal] of refusals)
    (refusal.unresolvable ? unresolvable : failed)[name] = refusal.reason;
  const passing = nodes.names
    .map((name, index) => ({ name, index }))
    .filter(({ name }) => !refusals.has(name));
  return {
    Nodes:
      nodes.mode === 'nodes'
        ? { metadata: nodes.list.metadata, items: passing.map(({ index }) => nodes.list.items[index]) }
        : null,
    NodeNames: nodes.mode === 'names' ? passing.map(({ name }) => name) : null,
    FailedNodes: failed,
    FailedAndUnresolvableNodes: unresolvable,
    Error: '',
  };
}

/** The filter answer when the request cannot be decided: kube-scheduler retries the pod later. */
export function filterError(message: string): ExtenderFilterResult {
  return { Nodes: null, NodeNames: null, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: message };
}
