import type { Parsed } from './extender-args.js';
import { goPresent, isRecord } from './go-json.js';

export interface MetaVictimsIn {
  readonly uids: readonly string[];
  readonly numPdbViolations: number;
}

/** ExtenderPreemptionArgs, read: the preemptor and its victims per node (from Victims or MetaVictims). */
export interface PreemptionArgs {
  readonly pod: Record<string, unknown>;
  readonly victims: ReadonlyMap<string, MetaVictimsIn>;
}

/** ExtenderPreemptionResult with Go's names. */
export interface ExtenderPreemptionResult {
  NodeNameToMetaVictims: Record<string, { Pods: { UID: string }[]; NumPDBViolations: number }>;
}

/**
 * Reads `{Pod, NodeNameToVictims | NodeNameToMetaVictims}`. Victims carry full pods (their
 * metadata.uid is used); MetaVictims carry `Pods: [{UID}]`. MetaVictims wins when both are set.
 * What Go reads as a zero value reads so here: a null or absent UID, a null victim or one without
 * metadata is UID "" (known to no pod: decidePreemption drops its node, not the whole answer); a
 * null Pods or NumPDBViolations is none. Only what Go cannot decode is an error (answered 400): a
 * value of the wrong JSON type, or a NumPDBViolations that is not an integer (an int64 in Go).
 */
export function readPreemptionArgs(body: unknown): Parsed<PreemptionArgs> {
  if (!isRecord(body)) return { ok: false, error: 'ExtenderPreemptionArgs must be a JSON object' };
  const pod = goPresent(body, 'Pod');
  if (!isRecord(pod)) return { ok: false, error: 'ExtenderPreemptionArgs has no Pod object' };
  const meta = goPresent(body, 'NodeNameToMetaVictims');
  const field = meta === undefined ? 'NodeNameToVictims' : 'NodeNameToMetaVictims';
  const source = meta ?? goPresent(body, 'NodeNameToVictims');
  if (source === undefined) return { ok: true, value: { pod, victims: new Map() } };
  if (!isRecord(source)) return { ok: false, error: `${field} must be an object keyed by node name` };
  const victims = new Map<string, MetaVictimsIn>();
  for (const [node, entry] of Object.entries(source)) {
    const read = readVictims(entry, meta !== undefined);
    if (!read.ok) return { ok: false, error: `victims on node ${node}: ${read.error}` };
    victims.set(node, read.value);
  }
  return { ok: true, value: { pod, victims } };
}

function readVictims(entry: unknown, meta: boolean): Parsed<MetaVictimsIn> {
  if (entry === null) return { ok: true, value: { uids: [], numPdbViolations: 0 } };
  if (!isRecord(entry)) return { ok: false, error: 'expected {Pods, NumPDBViolations}' };
  const pods = goPresent(entry, 'Pods') ?? [];
  if (!Array.isArray(pods)) return { ok: false, error: 'Pods must be an array' };
  const uids: string[] = [];
  for (const pod of pods) {
    const uid = meta ? metaUid(pod) : podUid(pod);
    if (uid === undefined) {
      const expected = meta ? '{UID} with a string UID' : 'a Pod whose metadata.uid is a string';
      return { ok: false, error: `a victim must be ${expected}` };
    }
    uids.push(uid);
  }
  const violations = goPresent(entry, 'NumPDBViolations') ?? 0;
  if (!Number.isSafeInteger(violations)) return { ok: false, error: 'NumPDBViolations must be an integer' };
  return { ok: true, value: { uids, numPdbViolations: violations as number } };
}

/** A string field of an object as Go reads it: "" when the object or the field is null or absent. */
function goString(object: unknown, field: string): string | undefined {
  if (object === null || object === undefined) return '';
  if (!isRecord(object)) return undefined;
  const value = goPresent(object, field) ?? '';
  return typeof value === 'string' ? value : undefined;
}

/** A MetaPod's UID ("" for a null MetaPod or UID); undefined when Go could not decode it. */
const metaUid = (pod: unknown): string | undefined => goString(pod, 'UID');

/** A victim Pod's metadata.uid (see metaUid). */
function podUid(pod: unknown): string | undefined {
  if (pod === null) return '';
  return isRecord(pod) ? goString(goPresent(pod, 'metadata'), 'uid') : undefined;
}

/** Given the kept victims per node, returns the answer (MetaVictims: UIDs only). */
export function preemptionResult(kept: ReadonlyMap<string, MetaVictimsIn>): ExtenderPreemptionResult {
  const out: ExtenderPreemptionResult['NodeNameToMetaVictims'] = {};
  for (const [node, victims] of kept) {
    out[node] = {
      Pods: victims.uids.map((uid) => ({ UID: uid })),
      NumPDBViolations: victims.numPdbViolations,
    };
  }
  return { NodeNameToMetaVictims: out };
}
