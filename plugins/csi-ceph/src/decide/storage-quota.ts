/**
 * CreateVolume's own quota check: the claim keys of ResourceQuota (@corral/cluster pvcUsage), which
 * admission enforces when the claim is created, checked again before Ceph space is taken. For the
 * department of the claim's namespace: `requests.storage`, `persistentvolumeclaims` (or
 * `count/persistentvolumeclaims`) and, for the claim's StorageClass,
 * `<class>.storageclass.storage.k8s.io/requests.storage` and `.../persistentvolumeclaims`.
 *
 * The snapshot counts every claim whatever its phase (ResourceQuota's PVC evaluator). A claim the
 * snapshot holds is in the usage already, with its class: the check is then that the department is
 * not over. A claim it does not hold yet adds the volume's size and one claim; its class is unknown,
 * so only the keys of every class are checked (the ones of its class were checked by admission).
 */
import { formatUsageAmounts, pvcUsage, UNIT, usageKeyOf, type Usage } from '@corral/cluster';
import { splitStorageClassQuotaKey, tryParseQuantity, type ResourceMap } from '@corral/policy';
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';
import type { VolumeParams } from './parameters.js';
import type { ClaimUsage, TenantView } from './placement.js';

/** One quota key the volume would take over its limit: the total and the limit in nano-units. */
interface Excess {
  readonly key: string;
  readonly total: bigint;
  readonly hard: bigint;
}

/**
 * Given the department, the new volume's size, the parameters (the claim's namespace and name) and
 * the tenant view, returns pass unless a claim key of the department's quota would be exceeded; the
 * failure names every such key and the fix.
 */
export function checkStorageQuota(
  department: string | undefined,
  bytes: bigint,
  params: Pick<VolumeParams, 'pvcNamespace' | 'pvcName'>,
  tenants: Pick<TenantView, 'department' | 'claimUsage'> | undefined,
): Decision<null> {
  const rule = 'department-storage-quota';
  if (!department || !tenants) return pass(rule, null);
  const hard = tenants.department(department)?.spec.quota?.hard;
  if (hard === undefined) return pass(rule, null);
  const pvc =
    params.pvcNamespace && params.pvcName
      ? { namespace: params.pvcNamespace, name: params.pvcName }
      : undefined;
  const claim = tenants.claimUsage(department, pvc);
  const demand = pvcUsage({
    requestedStorage: bytes * UNIT,
    ...(claim.storageClass !== undefined ? { storageClass: claim.storageClass } : {}),
  });
  const over = quotaExcesses(hard, demand, claim);
  if (over.length === 0) return pass(rule, null);
  return fail(
    rule,
    CSI_ERR.QUOTA_EXCEEDED,
    `department "${department}" would use ${over.map(describeExcess).join('; ')}: ` +
      'delete unused PersistentVolumeClaims or ask your platform admin to raise the quota',
  );
}

/** The keys of `hard` the claim counts in whose total (with the claim) is over the limit. */
function quotaExcesses(hard: ResourceMap, demand: Usage, claim: ClaimUsage): Excess[] {
  const found: Excess[] = [];
  for (const [key, value] of Object.entries(hard)) {
    const usageKey = usageKeyOf(key);
    const need = demand.get(usageKey);
    const limit = tryParseQuantity(value);
    // Keys the claim does not count in; values a served Department cannot hold (validated before use).
    if (need === undefined || !limit.ok) continue;
    const total = (claim.used.get(usageKey) ?? 0n) + (claim.counted ? 0n : need);
    if (total > limit.value.nanos) found.push({ key, total, hard: limit.value.nanos });
  }
  return found;
}

/**
 * `1.75Gi of storage, over its requests.storage quota of 1Gi`, `3 PersistentVolumeClaims of
 * StorageClass "gold", over its gold.storageclass.storage.k8s.io/persistentvolumeclaims quota of 2`:
 * both amounts in the limit's unit, as the admission webhook words them.
 */
function describeExcess({ key, total, hard }: Excess): string {
  const [quota, wanted] = formatUsageAmounts(key, [hard, total]);
  const perClass = splitStorageClassQuotaKey(key);
  const resource = perClass?.resource ?? usageKeyOf(key);
  const amount =
    resource === 'requests.storage' ? `${wanted} of storage` : `${wanted} PersistentVolumeClaims`;
  const scope = perClass ? ` of StorageClass "${perClass.storageClass}"` : '';
  return `${amount}${scope}, over its ${key} quota of ${quota}`;
}
