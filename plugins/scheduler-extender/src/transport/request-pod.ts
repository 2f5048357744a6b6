import { toNodeView, toPodView, type ClusterSnapshot, type PodView } from '@corral/cluster';
import { describeProblem, type PolicyProblem } from '@corral/policy';
import type { Candidate } from '../decide/candidate.js';
import type { DecideOptions } from '../decide/decide-options.js';
import { EXT_ERR, ExtenderError, unknownDepartment, unknownNamespace } from '../errors.js';
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
 * Why the department of a pod in `namespace` cannot be known yet, undefined when it can (a system
 * namespace passes through regardless). EXT_ERR_UNKNOWN_NAMESPACE: the namespace is not in the
 * snapshot. EXT_ERR_UNKNOWN_DEPARTMENT: its department label names a department the snapshot has no
 * valid Department for, and no other department claims it. Deciding either as "no department" could
 * put two departments on one shared node once the namespace or Department shows up. A namespace
 * without the label has no department (shared pool only).
 */
export function unknownOwnerOf(
  namespace: string,
  snapshot: ClusterSnapshot,
  options: DecideOptions,
): ExtenderError | undefined {
  if (options.systemNamespaces.has(namespace)) return undefined;
  if (!snapshot.namespace(namespace)) return unknownNamespace(namespace);
  if (snapshot.departmentOfNamespace(namespace) !== undefined) return undefined;
  // With no owner, the isolation department is the one the label names that no Department serves.
  const named = snapshot.isolationDepartmentOfNamespace(namespace);
  return named === undefined ? undefined : unknownDepartment(namespace, named);
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
