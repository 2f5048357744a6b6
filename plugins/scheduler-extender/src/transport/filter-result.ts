import { EXT_ERR, ExtenderError } from '../errors.js';
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

/** Node names that JSON writes as they are (DNS-1123 names are always these). */
const PLAIN = /^[A-Za-z0-9._-]*$/;

/**
 * A filter answer. Read as an ExtenderFilterResult; written by `json()`, which goes straight from
 * the refusals to kube-scheduler's JSON: at 500 names per call most nodes are refused, mostly for
 * the same few reasons, and building two 450-key objects only to stringify them (each reason again)
 * cost more than the decisions themselves. The route serializes it with `json()`.
 */
export class FilterAnswer implements ExtenderFilterResult {
  readonly Nodes: { metadata: unknown; items: unknown[] } | null;
  readonly NodeNames: string[] | null;
  readonly Error = '';
  /** `Nodes` as JSON, written when the answer is built, so a failure is the handler's to answer. */
  private readonly nodesJson: string;
  private failed: Record<string, string> | undefined;
  private unresolvable: Record<string, string> | undefined;

  /** `refusals[i]`: why `nodes.names[i]` is refused; undefined when it passes. */
  constructor(
    private readonly nodes: NodesIn,
    private readonly refusals: readonly (Refusal | undefined)[],
  ) {
    const names: string[] = [];
    const items: unknown[] = [];
    nodes.names.forEach((name, index) => {
      if (refusals[index]) return;
      if (nodes.mode === 'nodes') items.push(nodes.list.items[index]);
      else names.push(name);
    });
    this.Nodes = nodes.mode === 'nodes' ? { metadata: nodes.list.metadata, items } : null;
    this.NodeNames = nodes.mode === 'names' ? names : null;
    this.nodesJson = encodeNodes(this.Nodes);
  }

  get FailedNodes(): Record<string, string> {
    return (this.failed ??= this.recordOf(false));
  }

  get FailedAndUnresolvableNodes(): Record<string, string> {
    return (this.unresolvable ??= this.recordOf(true));
  }

  toJSON(): ExtenderFilterResult {
    const { Nodes, NodeNames, FailedNodes, FailedAndUnresolvableNodes, Error } = this;
    return { Nodes, NodeNames, FailedNodes, FailedAndUnresolvableNodes, Error };
  }

  /** The answer's JSON text, each distinct reason encoded once. */
  json(): string {
    const parts: string[] = [
      `{"Nodes":${this.nodesJson},"NodeNames":${JSON.stringify(this.NodeNames)},"FailedNodes":`,
    ];
    const encoded = new Map<string, string>();
    this.writeRefusals(parts, false, encoded);
    parts.push(',"FailedAndUnresolvableNodes":');
    this.writeRefusals(parts, true, encoded);
    parts.push(`,"Error":${JSON.stringify(this.Error)}}`);
    return parts.join('');
  }

  private writeRefusals(parts: string[], unresolvable: boolean, encoded: Map<string, string>): void {
    let separator = '{"';
    this.refusals.forEach((refusal, index) => {
      const name = this.nodes.names[index];
      if (!refusal || name === undefined || refusal.unresolvable !== unresolvable) return;
      let reason = encoded.get(refusal.reason);
      if (reason === undefined) encoded.set(refusal.reason, (reason = JSON.stringify(refusal.reason)));
      if (PLAIN.test(name)) parts.push(separator, name, '":', reason);
      else parts.push(separator.slice(0, -1), JSON.stringify(name), ':', reason);
      separator = ',"';
    });
    parts.push(separator === '{"' ? '{}' : '}');
  }

  private recordOf(unresolvable: boolean): Record<string, string> {
    // No prototype: a node named `__proto__` is a key like any other.
    const record = Object.create(null) as Record<string, string>;
    this.refusals.forEach((refusal, index) => {
      const name = this.nodes.names[index];
      if (refusal && name !== undefined && refusal.unresolvable === unresolvable)
        record[name] = refusal.reason;
    });
    return record;
  }
}

/**
 * The passing Node objects (full mode) as JSON. One nested deeper than JSON.stringify's stack
 * allows (JSON.parse read it) is EXT_ERR_BAD_REQUEST: the filter answers an Error (HTTP 200), not
 * a 500 from the serializer.
 */
function encodeNodes(value: ExtenderFilterResult['Nodes']): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new ExtenderError(
      EXT_ERR.BAD_REQUEST,
      `the request's Nodes cannot be written back into the answer (nested too deeply?): ${messageOf(error)}`,
      { cause: error },
    );
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Given the request's nodes and the refusals by node name, returns the filter answer in the request's
 * mode: the passing subset of the input (same order, never a node it did not send), each refused
 * input node under FailedNodes or FailedAndUnresolvableNodes.
 */
export function filterResult(nodes: NodesIn, refusals: ReadonlyMap<string, Refusal>): FilterAnswer {
  return new FilterAnswer(
    nodes,
    nodes.names.map((name) => refusals.get(name)),
  );
}

/** The filter answer when the request cannot be decided: kube-scheduler retries the pod later. */
export function filterError(message: string): ExtenderFilterResult {
  return { Nodes: null, NodeNames: null, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: message };
}
