import type { NodeView } from '@corral/cluster';
import type { DecideOptions } from './decide-options.js';
import { filterNodes } from './filter.js';
import type { PodContext } from './pod-context.js';
import type { ClusterView, NodeRule } from './rule-input.js';
import {
  departmentIsolationOfUnknownPriority,
  departmentIsolationUnseen,
} from './rules/department-isolation.js';
import { refusedAsSent, viewsToJudge } from './sent-nodes.js';
import { reasonOf } from './verdict.js';

/** What bind knows of its node: the snapshot's view, and the Node object a filter was sent. */
export interface BindNode {
  readonly name: string;
  /** The snapshot's view (undefined: not held yet). */
  readonly held?: NodeView;
  /**
   * The Node object the pod's own full-mode filter, or a later one, was sent for it (undefined: none,
   * names-only mode, or alike the snapshot's).
   */
  readonly sent?: NodeView;
}

const ISOLATION_ONLY = [departmentIsolationOfUnknownPriority];

/**
 * Why the node no longer fits the pod at bind (kube-scheduler binds asynchronously: another pod, or
 * a relabel, may have come since the pod's filter), undefined when it fits. Every filter rule runs
 * against each view of the node (see viewsToJudge): the snapshot's, and the Node object
 * kube-scheduler sent when it differs (the refusal then says so), so bind fails closed whichever of
 * the two saw a relabel first. A pod this replica has not seen (`known` false: filtered by another
 * replica) is checked for department isolation alone, its labels and requests unknown. A node
 * neither view holds has no labels to check, but the pods known there (assumed) must still not be
 * of another department.
 */
export function bindRefusal(
  pod: PodContext,
  node: BindNode,
  cluster: ClusterView,
  options: DecideOptions,
  known: boolean,
): string | undefined {
  const views = viewsToJudge(node.held, node.sent);
  if (views.length === 0) {
    const result = departmentIsolationUnseen(pod, node.name, cluster, options, known);
    return result.status === 'pass' ? undefined : `${result.rule}: ${result.message}`;
  }
  const rules = known ? undefined : ISOLATION_ONLY;
  for (const { view, asSent } of views) {
    const reason = refusalUnder(pod, node.name, view, cluster, options, rules);
    if (reason !== undefined) return asSent ? refusedAsSent(reason) : reason;
  }
  return undefined;
}

function refusalUnder(
  pod: PodContext,
  name: string,
  view: NodeView,
  cluster: ClusterView,
  options: DecideOptions,
  rules: readonly NodeRule[] | undefined,
): string | undefined {
  const [verdict] = filterNodes(pod, [{ name, view }], cluster, options, rules ? { rules } : {});
  return !verdict || verdict.status === 'pass' ? undefined : reasonOf(verdict);
}
