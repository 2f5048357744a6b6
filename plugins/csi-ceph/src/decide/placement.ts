/**
 * Tenant isolation: where a volume lives and whether the department may have it. With the PVC's
 * namespace in the parameters (external-provisioner --extra-create-metadata), the image goes to the
 * RADOS namespace of that namespace's Department and counts against its `requests.storage` quota.
 */
import type { Department } from '@corral/policy';
import { parseQuantity } from '@corral/policy';
import { formatUsageAmounts } from '@corral/cluster';
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';
import type { VolumeParams } from './parameters.js';

const NANO = 1_000_000_000n;

export interface Placement {
  readonly pool: string;
  readonly namespace: string;
  readonly department?: string;
}

/** What placement needs from the cluster snapshot (a narrow, testable view). */
export interface TenantView {
  departmentOfNamespace(namespace: string): string | undefined;
  department(name: string): Department | undefined;
  /** The department's `requests.storage` in use, in bytes, and whether the PVC is already counted. */
  storageUsed(
    department: string,
    pvc?: { namespace: string; name: string },
  ): { bytes: bigint; counted: boolean };
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

/** Given the department and the new volume's size, returns pass unless `requests.storage` would be exceeded. */
export function checkStorageQuota(
  department: string | undefined,
  bytes: bigint,
  params: VolumeParams,
  tenants: TenantView | undefined,
): Decision<null> {
  const rule = 'department-storage-quota';
  if (!department || !tenants) return pass(rule, null);
  const hard = tenants.department(department)?.spec.quota?.hard?.['requests.storage'];
  if (hard === undefined) return pass(rule, null);
  const limit = parseQuantity(hard).nanos / NANO;
  const pvc =
    params.pvcNamespace && params.pvcName
      ? { namespace: params.pvcNamespace, name: params.pvcName }
      : undefined;
  const used = tenants.storageUsed(department, pvc);
  const total = used.counted ? used.bytes : used.bytes + bytes;
  if (total <= limit) return pass(rule, null);
  // Both amounts in the limit's binary unit (`650Gi of 500Gi`), as the admission webhook words it.
  const [quota, wanted] = formatUsageAmounts('requests.storage', [limit * NANO, total * NANO]);
  return fail(
    rule,
    CSI_ERR.QUOTA_EXCEEDED,
    `department "${department}" would use ${wanted} of storage, over its requests.storage quota of ${quota}: ` +
      'delete unused PersistentVolumeClaims or ask your platform admin to raise the quota',
  );
}
