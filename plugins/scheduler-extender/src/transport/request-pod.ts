import { toNodeView, toPodView, type ClusterSnapshot, type PodView } from '@corral/cluster';
import { describeProblem } from '@corral/policy';
import type { Candidate } from '../decide/candidate.js';
import type { DecideOptions } from '../decide/decide-options.js';
import { EXT_ERR, ExtenderError } from '../errors.js';
import type { NodesIn } from './extender-args.js';

const ORIGIN = 'kube-scheduler request';

/**
 * The pod being scheduled, read from the request (it is usually not in the snapshot yet): its
 * requests computed as kube-scheduler computes them. Throws EXT_ERR_BAD_POD when it cannot be read.
 */
export function requestPod(raw: Record<string, unknown>, options: DecideOptions): PodView {
  const result = toPodView(raw, ORIGIN, { gpuResources: options.gpuResources });
  if (result.ok) return result.value;
  throw new ExtenderError(
    EXT_ERR.BAD_POD,
    `the Pod in the request cannot be read: ${result.problems.map(describeProblem).join('; ')}`,
  );
}

/**
 * The candidate nodes: from the request's Node objects (full mode) or the snapshot (names only).
 * A node the extender cannot read or does not know has no view, and the filter refuses it.
 */
export function requestCandidates(
  nodes: NodesIn,
  snapshot: ClusterSnapshot,
  options: DecideOptions,
): Candidate[] {
  if (nodes.mode === 'names') {
    return nodes.names.map((name) => {
      const view = snapshot.node(name);
      return view ? { name, view } : { name };
    });
  }
  return nodes.list.items.map((item, index) => {
    const name = nodes.names[index] ?? '';
    const view = toNodeView(item, ORIGIN, { gpuResources: options.gpuResources });
    return view.ok ? { name, view: view.value } : { name };
  });
}
