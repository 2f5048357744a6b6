import { toNodeView, toPodView, type ClusterSnapshot, type PodView } from '@corral/cluster';
import { describeProblem, type PolicyProblem } from '@corral/policy';
import type { Candidate } from '../decide/candidate.js';
import type { DecideOptions } from '../decide/decide-options.js';
import { EXT_ERR, ExtenderError, unknownNamespace } from '../errors.js';
import type { NodesIn } from './extender-args.js';
import { isRecord } from './go-json.js';

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
 * EXT_ERR_UNKNOWN_NAMESPACE when the pod's namespace is not in the snapshot (a system namespace
 * passes through regardless): its department is unknown, and deciding as if it had none could put
 * two departments on one shared node once the namespace shows up. Undefined when it is known.
 */
export function unknownNamespaceOf(
  pod: PodView,
  snapshot: ClusterSnapshot,
  options: DecideOptions,
): ExtenderError | undefined {
  const known =
    options.systemNamespaces.has(pod.namespace) || snapshot.namespace(pod.namespace) !== undefined;
  return known ? undefined : unknownNamespace(pod.namespace);
}

/** `namespace/name` of the request's raw Pod, for the log; undefined when either is missing. */
export function requestPodKey(raw: Record<string, unknown>): string | undefined {
  const metadata = raw['metadata'];
  if (!isRecord(metadata)) return undefined;
  const { namespace, name } = metadata;
  return typeof namespace === 'string' && typeof name === 'string' ? `${namespace}/${name}` : undefined;
}

/**
 * The candidate nodes: from the request's Node objects (full mode) or the snapshot (names only).
 * A node the extender does not know has no view; a Node object it cannot read has none either, and
 * carries why (the filter refuses both).
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
    return view.ok ? { name, view: view.value } : { name, problem: problemsOf(view.problems) };
  });
}

/** What is wrong with a Node object, without its name (the answer files the reason under it). */
function problemsOf(problems: readonly PolicyProblem[]): string {
  return problems.map((problem) => `${problem.field || '/'}: ${problem.message}`).join('; ');
}
