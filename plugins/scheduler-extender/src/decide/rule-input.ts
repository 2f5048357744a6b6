import type { ClusterSnapshot, NodeView } from '@corral/cluster';
import type { DecideOptions } from './decide-options.js';
import { AssumedPods } from './assumed-pods.js';
import { NodeIndex } from './node-index.js';
import type { PodContext } from './pod-context.js';
import { Placements } from './placements.js';
import type { RefusalMemo } from './refusal-memo.js';
import type { SentNodes } from './sent-nodes.js';
import type { SpreadCounter } from './spread-counter.js';
import type { RuleResult } from './verdict.js';

/** What the decisions read: the snapshot and the indexes kept beside it. */
export interface ClusterView {
  readonly snapshot: ClusterSnapshot;
  readonly nodes: NodeIndex;
  /** Pods on nodes: the snapshot's bound pods plus the extender's assumed ones. */
  readonly placements: Placements;
}

/** A snapshot's decision view; `assumed` holds the extender's own bindings (none offline). */
export function clusterViewOf(
  snapshot: ClusterSnapshot,
  nodes: NodeIndex = new NodeIndex(snapshot),
  assumed: AssumedPods = new AssumedPods({ ttlMs: 0 }),
): ClusterView {
  return { snapshot, nodes, placements: new Placements(snapshot, nodes, assumed) };
}

/** Everything one rule sees for one (pod, node) pair. */
export interface RuleInput {
  readonly pod: PodContext;
  readonly node: NodeView;
  readonly cluster: ClusterView;
  readonly options: DecideOptions;
  /** Per-request memo of pod counts per topology domain. */
  readonly spread: SpreadCounter;
  /** Per-request memo of refusals shared by many nodes. */
  readonly memo: RefusalMemo;
  /** The candidates' Node objects as sent (full mode, bind, preempt), against the snapshot's. */
  readonly sent?: SentNodes;
}

export type NodeRule = (input: RuleInput) => RuleResult;
