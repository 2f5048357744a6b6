import { goPresent, isRecord } from './go-json.js';

/** A v1.NodeList as kube-scheduler sends it (nodeCacheCapable: false). */
export interface NodeList {
  readonly metadata: unknown;
  readonly items: readonly unknown[];
}

export type NodesIn =
  | { readonly mode: 'nodes'; readonly list: NodeList; readonly names: readonly string[] }
  | { readonly mode: 'names'; readonly names: readonly string[] };

/** ExtenderArgs (k8s.io/kube-scheduler/extender/v1), read. */
export interface ExtenderArgs {
  readonly pod: Record<string, unknown>;
  readonly nodes: NodesIn;
}

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/**
 * Reads ExtenderArgs `{Pod, Nodes, NodeNames}` (keys as Go reads them; the unused one of Nodes and
 * NodeNames is null). Nodes wins when both are set. Returns what is wrong when it cannot be read.
 */
export function readExtenderArgs(body: unknown): Parsed<ExtenderArgs> {
  if (!isRecord(body)) return { ok: false, error: 'ExtenderArgs must be a JSON object' };
  const pod = goPresent(body, 'Pod');
  if (!isRecord(pod)) return { ok: false, error: 'ExtenderArgs has no Pod object' };
  const nodes = readNodes(body);
  return nodes.ok ? { ok: true, value: { pod, nodes: nodes.value } } : nodes;
}

/** Reads the node part shared by ExtenderArgs. */
export function readNodes(body: Record<string, unknown>): Parsed<NodesIn> {
  const nodes = goPresent(body, 'Nodes');
  if (nodes !== undefined) {
    if (!isRecord(nodes)) return { ok: false, error: 'ExtenderArgs.Nodes must be a NodeList object' };
    const items = goPresent(nodes, 'items') ?? [];
    if (!Array.isArray(items)) return { ok: false, error: 'ExtenderArgs.Nodes.items must be an array' };
    const names = items.map(nodeName);
    const unnamed = names.findIndex((name) => name === undefined);
    if (unnamed >= 0)
      return { ok: false, error: `ExtenderArgs.Nodes.items[${unnamed}] has no metadata.name` };
    return {
      ok: true,
      value: {
        mode: 'nodes',
        list: { metadata: goPresent(nodes, 'metadata') ?? {}, items },
        names: names as string[],
      },
    };
  }
  const names = goPresent(body, 'NodeNames');
  if (names === undefined) return { ok: false, error: 'ExtenderArgs has neither Nodes nor NodeNames' };
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string' && name !== '')) {
    return { ok: false, error: 'ExtenderArgs.NodeNames must be an array of node names' };
  }
  return { ok: true, value: { mode: 'names', names } };
}

function nodeName(item: unknown): string | undefined {
  if (!isRecord(item)) return undefined;
  const metadata = goPresent(item, 'metadata');
  const name = isRecord(metadata) ? goPresent(metadata, 'name') : undefined;
  return typeof name === 'string' && name !== '' ? name : undefined;
}
