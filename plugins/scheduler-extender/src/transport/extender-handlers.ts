import type { ClusterSnapshot } from '@corral/cluster';
import type { FastifyBaseLogger } from 'fastify';
import type { DecideOptions } from '../decide/decide-options.js';
import { filterNodes } from '../decide/filter.js';
import type { NodeIndex } from '../decide/node-index.js';
import { podContext } from '../decide/pod-context.js';
import { decidePreemption } from '../decide/preempt.js';
import { prioritizeNodes } from '../decide/prioritize.js';
import type { ClusterView } from '../decide/rule-input.js';
import { reasonOf } from '../decide/verdict.js';
import { badRequest, EXT_ERR, ExtenderError, notSynced, toWireMessage } from '../errors.js';
import {
  bindingResult,
  readBindingArgs,
  type BindingArgs,
  type ExtenderBindingResult,
} from './bind-envelope.js';
import { readExtenderArgs } from './extender-args.js';
import type { ExtenderMetrics } from './extender-metrics.js';
import { filterError, filterResult, type ExtenderFilterResult, type Refusal } from './filter-result.js';
import { preemptionResult, readPreemptionArgs, type ExtenderPreemptionResult } from './preempt-envelope.js';
import { priorityList, type HostPriority } from './priority-result.js';
import { requestCandidates, requestPod } from './request-pod.js';
import type { SyncState } from './sync-state.js';

/** Creates `pods/binding` (effects/ implements it; injected so transport never imports effects). */
export interface Binder {
  bind(args: BindingArgs): Promise<void>;
}

export interface ExtenderDeps {
  readonly snapshot: ClusterSnapshot;
  readonly nodes: NodeIndex;
  readonly options: DecideOptions;
  readonly sync: SyncState;
  readonly metrics: ExtenderMetrics;
  /** Absent: bind is disabled and answers an Error. */
  readonly binder?: Binder;
}

/** A verb's answer and what the boundary logs about it. */
export interface Answer<T> {
  readonly body: T;
  readonly log: Readonly<Record<string, string | number | undefined>>;
  /** Set when the request could not be decided. */
  readonly error?: unknown;
}

/** Thrown for a body that is JSON but not the verb's arguments when the answer has no Error field. */
export class UnreadableArgs extends Error {}

/** The four verbs, from decoded bodies to answers; no HTTP, no logging (the routes do both). */
export class ExtenderHandlers {
  private readonly cluster: ClusterView;

  constructor(private readonly deps: ExtenderDeps) {
    this.cluster = { snapshot: deps.snapshot, nodes: deps.nodes };
  }

  filter(body: unknown): Answer<ExtenderFilterResult> {
    try {
      const args = readExtenderArgs(body);
      if (!args.ok) throw badRequest(args.error);
      const pending = this.deps.sync.pending();
      if (pending.length > 0) throw notSynced(pending);
      const pod = podContext(requestPod(args.value.pod, this.deps.options), this.deps.snapshot);
      const candidates = requestCandidates(args.value.nodes, this.deps.snapshot, this.deps.options);
      const verdicts = filterNodes(pod, candidates, this.cluster, this.deps.options);
      const refusals = new Map<string, Refusal>();
      const byRule = new Map<string, number>();
      for (const verdict of verdicts) {
        if (verdict.status === 'pass') continue;
        refusals.set(verdict.node, { reason: reasonOf(verdict), unresolvable: verdict.unresolvable });
        for (const result of verdict.results)
          if (result.status === 'fail') byRule.set(result.rule, (byRule.get(result.rule) ?? 0) + 1);
      }
      for (const [rule, count] of byRule) this.deps.metrics.rejections.inc({ rule }, count);
      return {
        body: filterResult(args.value.nodes, refusals),
        log: { pod: pod.key, nodes: candidates.length, refused: refusals.size, mode: args.value.nodes.mode },
      };
    } catch (error) {
      return { body: filterError(toWireMessage(error)), log: {}, error };
    }
  }

  prioritize(body: unknown): Answer<HostPriority[]> {
    const args = readExtenderArgs(body);
    if (!args.ok) throw new UnreadableArgs(args.error);
    const names = args.value.nodes.names;
    const pending = this.deps.sync.pending();
    if (pending.length > 0)
      return {
        body: priorityList(names, new Map()),
        log: { nodes: names.length },
        error: notSynced(pending),
      };
    const pod = podContext(readablePod(args.value.pod, this.deps.options), this.deps.snapshot);
    const candidates = requestCandidates(args.value.nodes, this.deps.snapshot, this.deps.options);
    const scores = prioritizeNodes(pod, candidates, this.cluster, this.deps.options);
    return {
      body: priorityList(names, new Map(scores.map((s) => [s.node, s.score]))),
      log: { pod: pod.key, nodes: names.length },
    };
  }

  preempt(body: unknown): Answer<ExtenderPreemptionResult> {
    const args = readPreemptionArgs(body);
    if (!args.ok) throw new UnreadableArgs(args.error);
    const pending = this.deps.sync.pending();
    if (pending.length > 0) return { body: preemptionResult(new Map()), log: {}, error: notSynced(pending) };
    const pod = podContext(readablePod(args.value.pod, this.deps.options), this.deps.snapshot);
    const decision = decidePreemption(pod, args.value.victims, this.cluster, this.deps.options);
    return {
      body: preemptionResult(decision.kept),
      log: { pod: pod.key, nodes: args.value.victims.size, kept: decision.kept.size },
    };
  }

  async bind(body: unknown): Promise<Answer<ExtenderBindingResult>> {
    try {
      const args = readBindingArgs(body);
      if (!args.ok) throw badRequest(args.error);
      if (!this.deps.binder)
        throw new ExtenderError(EXT_ERR.BIND_DISABLED, 'bind is not enabled on this extender (--bind)');
      await this.deps.binder.bind(args.value);
      return {
        body: bindingResult(),
        log: { pod: `${args.value.podNamespace}/${args.value.podName}`, node: args.value.node },
      };
    } catch (error) {
      return { body: bindingResult(toWireMessage(error)), log: {}, error };
    }
  }
}

/** The request's pod for verbs whose answer has no Error field: unreadable means 400. */
function readablePod(raw: Record<string, unknown>, options: DecideOptions) {
  try {
    return requestPod(raw, options);
  } catch (error) {
    throw new UnreadableArgs(toWireMessage(error));
  }
}

/** The boundary's single log line for one answered verb. */
export function logAnswer(logger: FastifyBaseLogger, verb: string, answer: Answer<unknown>): void {
  if (answer.error === undefined) logger.info({ verb, ...answer.log }, `extender ${verb}`);
  else logger.warn({ verb, ...answer.log, err: answer.error }, `extender ${verb} answered an error`);
}
