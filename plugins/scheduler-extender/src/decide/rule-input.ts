import type { ClusterSnapshot, NodeView } from '@corral/cluster';
import type { DecideOptions } from './decide-options.js';
import type { NodeIndex } from './node-index.js';
import type { PodContext } from './pod-context.js';
import type { SpreadCounter } from './spread-counter.js';
import type { RuleResult } from './verdict.js';

/** What the decisions read: the snapshot and the indexes kept beside it. */
export interface ClusterView {
  readonly snapshot: ClusterSnapshot;
  readonly nodes: NodeIndex;
}

/** Everything one rule sees for one (pod, node) pair. */
export interface RuleInput {
  readonly pod: PodContext;
  readonly node: NodeView;
  readonly cluster: ClusterView;
  readonly options: DecideOptions;
  /** Per-request memo of pod counts per topology domain. */
  readonly spread: SpreadCounter;
}

export type NodeRule = (input: RuleInput) => RuleResult;
