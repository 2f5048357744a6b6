import type { NodeView } from '@corral/cluster';
import type { Candidate } from './candidate.js';
import type { DecideOptions } from './decide-options.js';
import type { PodContext } from './pod-context.js';
import { RefusalMemo } from './refusal-memo.js';
import type { ClusterView, NodeRule, RuleInput } from './rule-input.js';
import { FILTER_RULES } from './rules/index.js';
import { SentNodes } from './sent-nodes.js';
import { SpreadCounter } from './spread-counter.js';
import { fail, refuses, skip, toVerdict, type NodeVerdict, type RuleResult } from './verdict.js';

/** Serving: a node refused by one rule, with that refusal alone (shared by the nodes it refuses). */
function refusedBy(node: string, result: RuleResult, memo: RefusalMemo): NodeVerdict {
  return { node, status: 'fail', results: memo.listOf(result), unresolvable: result.unresolvable };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface FilterOptions {
  /** Run every rule on a refused node (explain) instead of stopping at the first refusal (serving). */
  readonly allReasons?: boolean;
  readonly rules?: readonly NodeRule[];
}

const UNKNOWN_NODE = fail(
  'node-known',
  `node is not in Corral's node cache yet; kube-scheduler will retry`,
  true,
);

const unreadableNode = (problem: string) => fail('node-readable', `Node object unreadable: ${problem}`, true);

/**
 * A candidate without a view: an unknown node (names-only mode, not in the snapshot yet) or a Node
 * object the request sent that cannot be read. Both are unresolvable: no preemption puts a node into
 * Corral's cache or makes an object readable (preempt drops such nodes too), so kube-scheduler must
 * not spend a preemption attempt on them; the unknown node may fit at the pod's next attempt.
 */
function viewless({ name, problem }: Candidate, memo: RefusalMemo): NodeVerdict {
  if (problem === undefined) return toVerdict(name, [UNKNOWN_NODE]);
  return refusedBy(name, viewlessRefusal({ name, problem }, memo), memo);
}

/** Why a candidate without a view is refused (see viewless). */
function viewlessRefusal({ problem }: Candidate, memo: RefusalMemo): RuleResult {
  return problem === undefined
    ? UNKNOWN_NODE
    : memo.refusal('node-readable', problem, unreadableNode, problem);
}

/**
 * Filter: each candidate node's verdict for the pod. Pods of system namespaces pass untouched, on
 * every node; for any other pod an unknown or unreadable node fails with a reason, never passes
 * blindly.
 *
 * Rules run in order. With `allReasons` (explain) every rule's result is kept, and the verdict is
 * unresolvable when any refusal is. Serving keeps one refusal per node and must agree with that: an
 * unresolvable refusal stops the node at once (most refusals are, so most nodes cost one or two
 * rules); after a resolvable one (too few free GPUs, a full spread domain) the remaining rules still
 * run, since one of them may refuse for good (the node belongs to another department, which no
 * preemption fixes), and that fundamental reason is the one reported; else the first resolvable.
 */
export function filterNodes(
  pod: PodContext,
  candidates: readonly Candidate[],
  cluster: ClusterView,
  options: DecideOptions,
  filter: FilterOptions = {},
): NodeVerdict[] {
  if (options.systemNamespaces.has(pod.pod.namespace)) {
    // Untouched: no rule reads the node, so an unknown or unreadable one passes too (as in preempt
    // and bind), e.g. a kube-system DaemonSet pod for a node that joined before Corral's watch saw it.
    const system = [skip('system-namespace', `namespace ${pod.pod.namespace} is a system namespace`)];
    return candidates.map((candidate) => toVerdict(candidate.name, system));
  }
  const rules = filter.rules ?? FILTER_RULES;
  // Its candidates' views may be Node objects sent (a bind re-checking one, explain's are the
  // snapshot's): spread compares them with the snapshot's, once per topology key, when asked.
  const run = new FilterRun(pod, cluster, options, new SentNodes(candidates, cluster.snapshot));
  const scratch: RuleResult[] = [];
  return candidates.map((candidate) => {
    const { name, view } = candidate;
    if (!view) return viewless(candidate, run.memo);
    const input = run.inputFor(view);
    // Results go to a scratch list, copied only for a node that keeps them (most are refused).
    if (filter.allReasons) {
      for (let i = 0; i < rules.length; i++) scratch[i] = (rules[i] as NodeRule)(input);
      return toVerdict(name, scratch.slice(0, rules.length));
    }
    const refusal = serve(input, rules, scratch);
    return refusal ? refusedBy(name, refusal, run.memo) : toVerdict(name, scratch.slice(0, rules.length));
  });
}

/**
 * Serving, for the filter verb: each candidate's one reported refusal (the one filterNodes' verdict
 * would carry; refusals alike are the same shared result), undefined when the node passes. The same
 * decisions as filterNodes without a verdict per node: at 500 candidates per call most are refused.
 * `sent`: the candidates' views are the Node objects the request sent (full mode), which spread
 * compares with the snapshot's (see SentNodes); names only, they are the snapshot's own.
 */
export function servingRefusals(
  pod: PodContext,
  candidates: readonly Candidate[],
  cluster: ClusterView,
  options: DecideOptions,
  sent = false,
): (RuleResult | undefined)[] {
  const refusals = new Array<RuleResult | undefined>(candidates.length).fill(undefined);
  if (options.systemNamespaces.has(pod.pod.namespace)) return refusals;
  const sentNodes = sent ? new SentNodes(candidates, cluster.snapshot) : undefined;
  const run = new FilterRun(pod, cluster, options, sentNodes);
  const scratch: RuleResult[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i] as Candidate;
    const view = candidate.view;
    if (!view) refusals[i] = viewlessRefusal(candidate, run.memo);
    else refusals[i] = serve(run.inputFor(view), FILTER_RULES, scratch);
  }
  return refusals;
}

/**
 * One request's rule input, shared by every node: its `node` is set before the rules run (rules are
 * synchronous and keep nothing of it; 500 candidates per call would otherwise be 500 copies).
 */
class FilterRun {
  readonly memo = new RefusalMemo();
  private readonly spread: SpreadCounter;
  private shared: Mutable<RuleInput> | undefined;

  constructor(
    private readonly pod: PodContext,
    private readonly cluster: ClusterView,
    private readonly options: DecideOptions,
    private readonly sent?: SentNodes,
  ) {
    this.spread = new SpreadCounter(cluster.placements, pod.pod, sent);
  }

  /** The shared input, now about `node`. */
  inputFor(node: NodeView): RuleInput {
    if (this.shared) this.shared.node = node;
    else {
      const { pod, cluster, options, spread, memo, sent } = this;
      this.shared = { pod, node, cluster, options, spread, memo, ...(sent ? { sent } : {}) };
    }
    return this.shared;
  }
}

/** Serving: the node's one most fundamental refusal, or undefined with every rule's pass in `scratch`. */
function serve(input: RuleInput, rules: readonly NodeRule[], scratch: RuleResult[]): RuleResult | undefined {
  let resolvable: RuleResult | undefined;
  for (let i = 0; i < rules.length; i++) {
    const result = (rules[i] as NodeRule)(input);
    if (refuses(result)) {
      if (result.unresolvable) return result;
      resolvable ??= result;
    }
    scratch[i] = result;
  }
  return resolvable;
}
