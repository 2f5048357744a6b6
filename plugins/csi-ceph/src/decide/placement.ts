/**
 * Tenant isolation: where a volume lives and whether the department may have it. With the PVC's
 * namespace in the parameters (external-provisioner --extra-create-metadata), the image goes to the
 * RADOS namespace of that namespace's Department and counts against its storage and claim quota
 * (decide/storage-quota.ts).
 */
import type { Usage } from '@corral/cluster';
import type { Department } from '@corral/policy';
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';
import type { VolumeParams } from './parameters.js';

export interface Placement {
  readonly pool: string;
  readonly namespace: string;
  readonly department?: string;
}

/** A department's quota usage as the cluster snapshot counts it, seen from one claim. */
export interface ClaimUsage {
  /** The department's usage, nano-units by usage key (@corral/cluster usageKeyOf), every claim counted. */
  readonly used: Usage;
  /** The claim is in the snapshot, in this department: what it adds is in `used` already. */
  readonly counted: boolean;
  /** The claim's StorageClass as the snapshot has it; absent when it has none or is not there. */
  readonly storageClass?: string;
}

/** What placement needs from the cluster snapshot (a narrow, testable view). */
export interface TenantView {
  departmentOfNamespace(namespace: string): string | undefined;
  /**
   * The department the namespace's `corral.dev/department` label names when Corral serves no valid
   * Department of that name (deleted, not created yet, refused) and no other claims the namespace;
   * undefined otherwise (ClusterSnapshot.isolationDepartmentOfNamespace of a namespace with no owner).
   */
  unservedDepartmentOf?(namespace: string): string | undefined;
  /**
   * Does the snapshot hold the namespace? Only with a cluster (a watch), where kube-apiserver refuses
   * claims in a namespace that does not exist, so one it does not hold is one its watch has not
   * delivered yet; absent with policy files alone, where a namespace they do not name has no department.
   */
  holdsNamespace?(namespace: string): boolean;
  department(name: string): Department | undefined;
  /** The department's quota usage and what the snapshot knows of the claim (see ClaimUsage). */
  claimUsage(department: string, pvc?: { namespace: string; name: string }): ClaimUsage;
  /** Every department's (pool, RADOS namespace), for listings. */
  storageSpaces?(): { pool: string; namespace: string }[];
}

/**
 * Given the parameters (the StorageClass pool, the PVC namespace), the cluster's default RADOS namespace
 * and the tenant view (undefined when the driver runs without policies), returns where the image goes
 * (GetCapacity measures the same pool: decide/capacity-pools.ts). A namespace labelled for a
 * department Corral does not serve fails (FAILED_PRECONDITION): placed as of no department, its volume
 * would escape the department's storage, quota and record, as admission (`department-known`) and the
 * extender refuse its pods and claims. With a cluster, a namespace the snapshot does not hold yet fails
 * too (UNAVAILABLE, retried), rather than being placed as one of no department (admission's
 * `namespace-known`).
 */
export function placeVolume(
  params: Pick<VolumeParams, 'pool' | 'pvcNamespace'>,
  defaultNamespace: string,
  tenants: TenantView | undefined,
): Decision<Placement> {
  const rule = 'department-placement';
  if (!params.pvcNamespace || !tenants) return pass(rule, { pool: params.pool, namespace: defaultNamespace });
  if (tenants.holdsNamespace && !tenants.holdsNamespace(params.pvcNamespace))
    return fail(rule, CSI_ERR.UNKNOWN_NAMESPACE, unknownNamespaceMessage(params.pvcNamespace));
  const name = tenants.departmentOfNamespace(params.pvcNamespace);
  if (!name) {
    const unserved = tenants.unservedDepartmentOf?.(params.pvcNamespace);
    if (unserved !== undefined)
      return fail(rule, CSI_ERR.UNKNOWN_DEPARTMENT, unservedMessage(params.pvcNamespace, unserved));
    return pass(rule, { pool: params.pool, namespace: defaultNamespace });
  }
  const dept = tenants.department(name);
  const storage = dept?.spec.storage;
  if (!storage) {
    return pass(rule, { pool: params.pool, namespace: defaultNamespace, department: name });
  }
  return pass(rule, { pool: storage.pool, namespace: storage.radosNamespace ?? name, department: name });
}

const unservedMessage = (namespace: string, department: string) =>
  `namespace ${namespace} is labelled corral.dev/department=${department}, but Corral serves no valid ` +
  `Department ${department} (deleted, not created yet, or refused: see its Valid condition), so the ` +
  `volume cannot be placed in its storage nor counted against its quota: restore the Department or ` +
  `relabel the namespace (provisioning is retried)`;

const unknownNamespaceMessage = (namespace: string) =>
  `namespace ${namespace} is not in the controller's view of the cluster yet (its watch has not ` +
  `delivered it), so its department is unknown: retry in a moment`;
