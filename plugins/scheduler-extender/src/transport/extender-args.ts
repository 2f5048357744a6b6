import { hasRepeats } from './distinct-names.js';
import { goPresent, isRecord } from './go-json.js';

/** A v1.NodeList as kube-scheduler sends it (nodeCacheCapable: false). */
export interface NodeList {
  readonly metadata: unknown;
  readonly items: readonly unknown[];
}

/** The request's nodes; `names` are distinct (readNodes keeps a repeated node once). */
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
 * NodeNames is null). Nodes wins when both are set. A node named twice is read once, at its first
 * place (see readNodes). Returns what is wrong when it cannot be read.
 */
export function readExtenderArgs(body: unknown): Parsed<ExtenderArgs> {
  if (!isRecord(body)) return { ok: false, error: 'ExtenderArgs must be a JSON object' };
  const pod = goPresent(body, 'Pod');
  if (!isRecord(pod)) return { ok: false, error: 'ExtenderArgs has no Pod object' };
  const nodes = readNodes(body);
  return nodes.ok ? { ok: true, value: { pod, nodes: nodes.value } } : nodes;
}

/**
 * Reads the node part shared by ExtenderArgs. kube-scheduler never names a node twice, but if a body
 * does, each name is kept once, at its first place (with its first Node object in full mode): every
 * decision and answer then has one entry per node, so a filter answer never both passes and refuses
 * a name nor lists it twice, and a prioritize answer never scores a host twice (kube-scheduler would
 * add both scores).
 */
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
    const metadata = goPresent(nodes, 'metadata') ?? {};
    return { ok: true, value: onceEach(metadata, items, names as string[]) };
  }
  const names = goPresent(body, 'NodeNames');
  if (names === undefined) return { ok: false, error: 'ExtenderArgs has neither Nodes nor NodeNames' };
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string' && name !== '')) {
    return { ok: false, error: 'ExtenderArgs.NodeNames must be an array of node names' };
  }
  return { ok: true, value: { mode: 'names', names: hasRepeats(names) ? [...new Set(names)] : names } };
}

/** Full mode, each node name once (its first item). */
function onceEach(metadata: unknown, items: readonly unknown[], names: readonly string[]): NodesIn {
  if (!hasRepeats(names)) return { mode: 'nodes', list: { metadata, items }, names };
  const unique = new Set(names);
  const keptItems: unknown[] = [];
  const keptNames: string[] = [];
  names.forEach((name, index) => {
    if (!unique.delete(name)) return;
    keptItems.push(items[index]);
    keptNames.push(name);
  });
  return { mode: 'nodes', list: { metadata, items: keptItems }, names: keptNames };
}

function nodeName(item: unknown): string | undefined {
  if (!isRecord(item)) return undefined;
  const metadata = goPresent(item, 'metadata');
  const name = isRecord(metadata) ? goPresent(metadata, 'name') : undefined;
  return typeof name === 'string' && name !== '' ? name : undefined;
}
