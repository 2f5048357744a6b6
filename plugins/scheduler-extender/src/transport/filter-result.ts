import { EXT_ERR, ExtenderError } from '../errors.js';
import type { NodesIn } from './extender-args.js';
import { encodedValue, JsonMembers, MemberWriter, type EncodedValue } from './json-members.js';

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

/** A refusal with its reason encoded once, for every node it refuses (see JsonMembers). */
export interface EncodedRefusal extends Refusal {
  readonly value: EncodedValue;
}

/** Given a refusal, returns it with its reason encoded. */
export function encodeRefusal({ reason, unresolvable }: Refusal): EncodedRefusal {
  return { reason, unresolvable, value: encodedValue(reason) };
}

const FAILED_NODES = ',"FailedNodes":';
const UNRESOLVABLE_NODES = ',"FailedAndUnresolvableNodes":';

/**
 * A filter answer. Read as an ExtenderFilterResult; written by `bytes()`, which goes straight from
 * the refusals to kube-scheduler's JSON, as UTF-8: at 500 names per call most nodes are refused,
 * mostly for the same few reasons, and building two 450-key objects only to stringify them (each
 * reason again) cost more than the decisions themselves; writing the ~50 KiB answer as bytes spares
 * the heap its text (and the socket encoding it). The route sends `bytes()`.
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
    private readonly refusals: readonly (EncodedRefusal | undefined)[],
  ) {
    const names: string[] = [];
    const items: unknown[] = [];
    const { names: all } = nodes;
    for (let index = 0; index < all.length; index++) {
      if (refusals[index]) continue;
      if (nodes.mode === 'nodes') items.push(nodes.list.items[index]);
      else names.push(all[index] as string);
    }
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

  /** The answer's JSON text (the UTF-8 of `bytes()`). */
  json(): string {
    return this.bytes().toString('utf8');
  }

  /** The answer's JSON as UTF-8, each distinct reason encoded once; sized exactly, then written. */
  bytes(): Buffer {
    const head = `{"Nodes":${this.nodesJson},"NodeNames":${JSON.stringify(this.NodeNames)}`;
    const tail = `,"Error":${JSON.stringify(this.Error)}}`;
    const failed = new JsonMembers();
    const unresolvable = new JsonMembers();
    const { names } = this.nodes;
    for (let index = 0; index < names.length; index++) {
      const refusal = this.refusals[index];
      if (refusal) (refusal.unresolvable ? unresolvable : failed).add(names[index] as string, refusal.value);
    }
    const size =
      Buffer.byteLength(head) +
      FAILED_NODES.length +
      failed.size +
      UNRESOLVABLE_NODES.length +
      unresolvable.size +
      Buffer.byteLength(tail);
    const target = Buffer.allocUnsafe(size);
    let offset = target.write(head, 0);
    offset += target.write(FAILED_NODES, offset, 'latin1');
    offset = this.writeRefusals(target, offset, false);
    offset += target.write(UNRESOLVABLE_NODES, offset, 'latin1');
    offset = this.writeRefusals(target, offset, true);
    target.write(tail, offset);
    return target;
  }

  private writeRefusals(target: Buffer, offset: number, unresolvable: boolean): number {
    const writer = new MemberWriter(target, offset);
    const { names } = this.nodes;
    for (let index = 0; index < names.length; index++) {
      const refusal = this.refusals[index];
      if (refusal && refusal.unresolvable === unresolvable)
        writer.member(names[index] as string, refusal.value);
    }
    return writer.end();
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
  const encoded = new Map<Refusal, EncodedRefusal>();
  const encode = (refusal: Refusal) => {
    let value = encoded.get(refusal);
    if (!value) encoded.set(refusal, (value = encodeRefusal(refusal)));
    return value;
  };
  return new FilterAnswer(
    nodes,
    nodes.names.map((name) => {
      const refusal = refusals.get(name);
      return refusal && encode(refusal);
    }),
  );
}

/** The filter answer when the request cannot be decided: kube-scheduler retries the pod later. */
export function filterError(message: string): ExtenderFilterResult {
  return { Nodes: null, NodeNames: null, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: message };
}
