import type { ClusterSnapshot, PodView } from '@corral/cluster';
import type { AssumedPods } from '../decide/assumed-pods.js';
import type { DecideOptions } from '../decide/decide-options.js';
import { servingRefusals } from '../decide/filter.js';
import { podContext, type PodContext } from '../decide/pod-context.js';
import { decidePreemption } from '../decide/preempt.js';
import { prioritizeNodes } from '../decide/prioritize.js';
import type { ClusterView } from '../decide/rule-input.js';
import type { RuleResult } from '../decide/verdict.js';
import { badRequest, ExtenderError, notSynced, toWireMessage } from '../errors.js';
import { UnreadableArgs, type Answer, type AnswerLog } from './answer.js';
import type { ExtenderBindingResult } from './bind-envelope.js';
import { bindPod, type Binder } from './bind-handler.js';
import { readExtenderArgs, type ExtenderArgs } from './extender-args.js';
import type { ExtenderMetrics } from './extender-metrics.js';
import { FilteredNodes } from './filtered-nodes.js';
import { Recent } from './filtered-pods.js';
import {
  encodeRefusal,
  FilterAnswer,
  filterError,
  type EncodedRefusal,
  type ExtenderFilterResult,
} from './filter-result.js';
import { preemptionResult, readPreemptionArgs, type ExtenderPreemptionResult } from './preempt-envelope.js';
import { hostPriorities, priorityList, type HostPriority } from './priority-result.js';
import { requestCandidates, requestPod, requestPodKey, unknownOwnerOf } from './request-pod.js';
import type { SyncState } from './sync-state.js';

export { logAnswer, UnreadableArgs, type Answer } from './answer.js';
export type { Binder } from './bind-handler.js';

export interface ExtenderDeps {
  readonly snapshot: ClusterSnapshot;
  /** The decision view over `snapshot`, with `assumed` in its placements. */
  readonly cluster: ClusterView;
  readonly assumed: AssumedPods;
  readonly options: DecideOptions;
  readonly sync: SyncState;
  readonly metrics: ExtenderMetrics;
  /** Milliseconds (assumed pods expire by it). */
  readonly now: () => number;
  /** Absent: bind is disabled and answers an Error. */
  readonly binder?: Binder;
}

/** The four verbs, from decoded bodies to answers; no HTTP, no logging (the routes do both). */
export class ExtenderHandlers {
  private readonly filtered = new Recent<PodView>();
  private readonly filteredNodes = new FilteredNodes();

  constructor(private readonly deps: ExtenderDeps) {}

  filter(body: unknown): Answer<ExtenderFilterResult> {
    let log: AnswerLog = {};
    try {
      const args = readExtenderArgs(body);
      if (!args.ok) throw badRequest(args.error);
      log = argsLog(args.value);
      const pending = this.deps.sync.pending();
      if (pending.length > 0) throw notSynced(pending);
      this.settle();
      const pod = this.context(requestPod(args.value.pod, this.deps.options));
      if (pod instanceof ExtenderError) throw pod;
      if (this.deps.binder) this.filtered.remember(pod.key, pod.pod);
      const candidates = requestCandidates(args.value.nodes, this.deps.snapshot, this.deps.options);
      const sent = args.value.nodes.mode === 'nodes';
      this.filteredNodes.filtered(pod.key, sent ? candidates : undefined, this.deps.snapshot);
      const results = servingRefusals(pod, candidates, this.deps.cluster, this.deps.options, sent);
      const refusals = refusalsOf(results);
      for (const [rule, count] of refusals.byRule) this.deps.metrics.rejections.inc({ rule }, count);
      return {
        body: new FilterAnswer(args.value.nodes, refusals.byNode),
        log: { ...log, refused: refusals.refused },
      };
    } catch (error) {
      return { body: filterError(toWireMessage(error)), log, error };
    }
  }

  /**
   * Prioritize has no Error field, and kube-scheduler ignores a failed prioritize (the pod is scored
   * without this extender): when the request cannot be decided it answers 0 for every node (the
   * same: no preference) and logs why.
   */
  prioritize(body: unknown): Answer<HostPriority[]> {
    const args = readExtenderArgs(body);
    if (!args.ok) throw new UnreadableArgs(args.error);
    const names = args.value.nodes.names;
    const log = argsLog(args.value);
    const undecided = (error: unknown) => ({ body: priorityList(names, new Map()), log, error });
    const pending = this.deps.sync.pending();
    if (pending.length > 0) return undecided(notSynced(pending));
    this.settle();
    const pod = this.context(readablePod(args.value.pod, this.deps.options, log));
    if (pod instanceof ExtenderError) return undecided(pod);
    const candidates = requestCandidates(args.value.nodes, this.deps.snapshot, this.deps.options);
    const scores = prioritizeNodes(pod, candidates, this.deps.cluster, this.deps.options);
    // Scored in the order of the names (the candidates'): no map by name.
    return { body: hostPriorities(scores), log };
  }

  /**
   * Preempt has no Error field either; an empty answer keeps no node, so kube-scheduler preempts
   * nothing for the pod this cycle (an error would fail its preemption outright).
   */
  preempt(body: unknown): Answer<ExtenderPreemptionResult> {
    const args = readPreemptionArgs(body);
    if (!args.ok) throw new UnreadableArgs(args.error);
    const pod = requestPodKey(args.value.pod);
    const log = { ...(pod === undefined ? {} : { pod }), nodes: args.value.victims.size };
    const undecided = (error: unknown) => ({ body: preemptionResult(new Map()), log, error });
    const pending = this.deps.sync.pending();
    if (pending.length > 0) return undecided(notSynced(pending));
    this.settle();
    const context = this.context(readablePod(args.value.pod, this.deps.options, log));
    if (context instanceof ExtenderError) return undecided(context);
    // The request carries no Node object: a full-mode filter's, if any, for the nodes it was sent.
    const sent = (node: string) => this.filteredNodes.sentFor(context.key, node);
    const { cluster, options } = this.deps;
    const decision = decidePreemption(context, args.value.victims, cluster, options, sent);
    const kept = { kept: decision.kept.size, ...droppedLog(decision.dropped) };
    return { body: preemptionResult(decision.kept), log: { ...log, ...kept } };
  }

  bind(body: unknown): Promise<Answer<ExtenderBindingResult>> {
    return bindPod({ ...this.deps, filtered: this.filtered, filteredNodes: this.filteredNodes }, body);
  }

  /** The request pod's context, or why it cannot be decided yet (see unknownOwnerOf). */
  private context(pod: PodView): PodContext | ExtenderError {
    return (
      unknownOwnerOf(pod.namespace, this.deps.snapshot, this.deps.options) ??
      podContext(pod, this.deps.snapshot)
    );
  }

  private settle(): void {
    if (this.deps.assumed.size > 0) this.deps.assumed.settle(this.deps.snapshot, this.deps.now());
  }
}

/**
 * Each node's refusal (undefined when it passed), in the request's order, and the refusals per rule
 * (for the metric). Nodes refused alike share one RuleResult (see RefusalMemo), so each distinct one
 * gets its reason built and encoded once.
 */
function refusalsOf(results: readonly (RuleResult | undefined)[]) {
  const byNode = new Array<EncodedRefusal | undefined>(results.length).fill(undefined);
  const shared = new Map<RuleResult, { refusal: EncodedRefusal; count: number }>();
  let refused = 0;
  for (let index = 0; index < results.length; index++) {
    const result = results[index];
    if (!result) continue;
    let entry = shared.get(result);
    if (!entry) {
      const reason = `${result.rule}: ${result.message}`;
      entry = { refusal: encodeRefusal({ reason, unresolvable: result.unresolvable }), count: 0 };
      shared.set(result, entry);
    }
    entry.count += 1;
    byNode[index] = entry.refusal;
    refused += 1;
  }
  const byRule = new Map<string, number>();
  for (const [{ rule }, { count }] of shared) byRule.set(rule, (byRule.get(rule) ?? 0) + count);
  return { byNode, byRule, refused };
}

/** Dropped proposals logged with their reasons, at most this many (the count says how many in all). */
const DROPPED_LOGGED = 10;

/**
 * What the preempt log line says about the nodes it dropped: how many, and why (`node: reason; ...`,
 * the first DROPPED_LOGGED): kube-scheduler shows nowhere why the extender dropped a node.
 */
function droppedLog(dropped: ReadonlyMap<string, string>): AnswerLog {
  if (dropped.size === 0) return { dropped: 0 };
  const why: string[] = [];
  for (const [node, reason] of dropped) {
    if (why.length === DROPPED_LOGGED) break;
    why.push(`${node}: ${reason}`);
  }
  const more = dropped.size - why.length;
  return { dropped: dropped.size, droppedWhy: why.join('; ') + (more > 0 ? `; and ${more} more` : '') };
}

/**
 * The request's pod for verbs whose answer has no Error field: unreadable means 400, logged with `log`.
 */
function readablePod(raw: Record<string, unknown>, options: DecideOptions, log: AnswerLog) {
  try {
    return requestPod(raw, options);
  } catch (error) {
    throw new UnreadableArgs(toWireMessage(error), log);
  }
}

/** What the log line says about a request: its pod (when named), node count and mode. */
function argsLog(args: ExtenderArgs): AnswerLog {
  const pod = requestPodKey(args.pod);
  return { ...(pod === undefined ? {} : { pod }), nodes: args.nodes.names.length, mode: args.nodes.mode };
}
