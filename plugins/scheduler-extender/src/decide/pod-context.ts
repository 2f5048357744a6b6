import type { ClusterSnapshot, PodView } from '@corral/cluster';
import { effectiveNodeIsolation, type NamespacePolicy, type NodeIsolation } from '@corral/policy';

/** What every rule needs to know about the pod being scheduled, resolved once per request. */
export interface PodContext {
  readonly pod: PodView;
  /** `namespace/name`, to leave the pod itself out of counts should the snapshot already hold it. */
  readonly key: string;
  /** The department owning the pod's namespace; undefined: none (shared pool only). */
  readonly department?: string;
  /** The department's isolation; `shared` for a pod with no department. */
  readonly isolation: NodeIsolation;
  readonly policy?: NamespacePolicy;
}

/** Given a pod (from the request or the snapshot) and the snapshot, returns its decision context. */
export function podContext(pod: PodView, snapshot: ClusterSnapshot): PodContext {
  const department = snapshot.departmentOfNamespace(pod.namespace);
  const applied = department === undefined ? undefined : snapshot.department(department);
  const policy = snapshot.namespacePolicy(pod.namespace);
  return {
    pod,
    key: `${pod.namespace}/${pod.name}`,
    ...(department === undefined ? {} : { department }),
    isolation: applied ? effectiveNodeIsolation(applied) : 'shared',
    ...(policy ? { policy } : {}),
  };
}

/** How a pod's department reads in a message: `namespace web-prod (department web)`. */
export function describeOwner(context: PodContext): string {
  return context.department === undefined
    ? `namespace ${context.pod.namespace} (no department)`
    : `namespace ${context.pod.namespace} (department ${context.department})`;
}
