import type { ClusterSnapshot } from '@corral/cluster';
import { DEPARTMENT_LABEL } from '@corral/policy';
import { fail, warn, type Decision } from './decision.js';
import type { AdmissionRequest } from './request.js';

/** The rule of a tenant object whose namespace names a department Corral does not serve. */
export const DEPARTMENT_KNOWN_RULE = 'department-known';

type View = Pick<ClusterSnapshot, 'departmentOfNamespace' | 'isolationDepartmentOfNamespace'>;

/**
 * The department a namespace's `corral.dev/department` label names when no valid Department of that
 * name is served (deleted, never created, or refused by Corral's checks) and no other Department
 * claims the namespace; undefined otherwise: the namespace's isolation department when it has no
 * owner (ClusterSnapshot.isolationDepartmentOfNamespace). The extender refuses such a namespace's
 * pods (EXT_ERR_UNKNOWN_DEPARTMENT) by the same test.
 */
export function unservedDepartmentOf(view: View, namespace: string): string | undefined {
  return view.departmentOfNamespace(namespace) === undefined
    ? view.isolationDepartmentOfNamespace(namespace)
    : undefined;
}

/**
 * A new tenant object in a namespace labelled for a department Corral does not serve: its rules
 * (image registries, quotas, placement) cannot be applied, and admitted as an object of no
 * department it would escape them all (a pod with `spec.nodeName` runs without the extender). New
 * pods and claims are refused; a new workload gets a warning, since its pods will be (the
 * controllers retry them, and they are admitted once the Department is back). Undefined when the
 * namespace's department is served, or for anything but a CREATE.
 */
export function departmentKnown(
  request: AdmissionRequest,
  namespace: string,
  view: View,
): Decision | undefined {
  if (request.operation !== 'CREATE' || request.subResource) return undefined;
  const named = unservedDepartmentOf(view, namespace);
  if (named === undefined) return undefined;
  const why =
    `namespace ${namespace} is labelled ${DEPARTMENT_LABEL}=${named}, but Corral serves no valid ` +
    `Department ${named} (deleted, not created yet, or refused: see its Valid condition)`;
  const kind = request.kind.kind;
  if (kind === 'Pod' || kind === 'PersistentVolumeClaim') {
    return fail(
      DEPARTMENT_KNOWN_RULE,
      `${why}, so its rules cannot be applied: ask a platform admin to restore the Department or ` +
        'relabel the namespace',
    );
  }
  return warn(DEPARTMENT_KNOWN_RULE, `${why}: its pods are refused until the Department is served`);
}
