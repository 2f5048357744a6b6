/**
 * Tenant isolation: where a volume lives and whether the department may have it. With the PVC's
 * namespace in the parameters (external-provisioner --extra-create-metadata), the image goes to the
 * RADOS namespace of that namespace's Department and counts against its storage and claim quota
 * (decide/storage-quota.ts).
 */
import type { Usage } from '@corral/cluster';
import type { Department } from '@corral/policy';
import { pass, type Decision } from './decision.js';
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
  department(name: string): Department | undefined;
  /** The department's quota usage and what the snapshot knows of the claim (see ClaimUsage). */
  claimUsage(department: string, pvc?: { namespace: string; name: string }): ClaimUsage;
  /** Every department's (pool, RADOS namespace), for listings. */
  storageSpaces?(): { pool: string; namespace: string }[];
}

/**
 * Given the parameters (the StorageClass pool, the PVC namespace), the cluster's default RADOS namespace
 * and the tenant view (undefined when the driver runs without policies), returns where the image goes
 * (GetCapacity measures the same pool: decide/capacity-pools.ts).
 */
export function placeVolume(
  params: Pick<VolumeParams, 'pool' | 'pvcNamespace'>,
  defaultNamespace: string,
  tenants: TenantView | undefined,
): Decision<Placement> {
  const rule = 'department-placement';
  if (!params.pvcNamespace || !tenants) return pass(rule, { pool: params.pool, namespace: defaultNamespace });
  const name = tenants.departmentOfNamespace(params.pvcNamespace);
  if (!name) return pass(rule, { pool: params.pool, namespace: defaultNamespace });
  const dept = tenants.department(name);
  const storage = dept?.spec.storage;
  if (!storage) {
    return pass(rule, { pool: params.pool, namespace: defaultNamespace, department: name });
  }
  return pass(rule, { pool: storage.pool, namespace: storage.radosNamespace ?? name, department: name });
}
