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
 */
export function readPreemptionArgs(body: unknown): Parsed<PreemptionArgs> {
  if (!isRecord(body)) return { ok: false, error: 'ExtenderPreemptionArgs must be a JSON object' };
  const pod = goPresent(body, 'Pod');
  if (!isRecord(pod)) return { ok: false, error: 'ExtenderPreemptionArgs has no Pod object' };
  const meta = goPresent(body, 'NodeNameToMetaVictims');
  const full = goPresent(body, 'NodeNameToVictims');
  const source = meta ?? full;
  if (source === undefined) return { ok: true, value: { pod, victims: new Map() } };
  if (!isRecord(source))
    return { ok: false, error: 'NodeNameToVictims must be an object keyed by node name' };
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
    if (uid === undefined) return { ok: false, error: 'a victim has no UID' };
    uids.push(uid);
  }
  const violations = goPresent(entry, 'NumPDBViolations') ?? 0;
  if (typeof violations !== 'number') return { ok: false, error: 'NumPDBViolations must be a number' };
  return { ok: true, value: { uids, numPdbViolations: violations } };
}

function metaUid(pod: unknown): string | undefined {
  const uid = isRecord(pod) ? goPresent(pod, 'UID') : undefined;
  return typeof uid === 'string' && uid !== '' ? uid : undefined;
}

function podUid(pod: unknown): string | undefined {
  const metadata = isRecord(pod) ? goPresent(pod, 'metadata') : undefined;
  const uid = isRecord(metadata) ? goPresent(metadata, 'uid') : undefined;
  return typeof uid === 'string' && uid !== '' ? uid : undefined;
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
