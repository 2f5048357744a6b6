/**
 * GetCapacity: what the pool a CreateVolume with the request's parameters would use can still take
 * (`clusterID`, `pool`; defaults: the first cluster, its first `rbd.pools`; a department's own pool
 * when the parameters carry the PVC namespace of a Department with `spec.storage`: capacityTarget),
 * as `ceph df detail` reports it (`max_avail`: replication and the full ratio accounted for), capped
 * by what the pool's byte quota leaves: `df detail` says whether the pool has a byte or object-count
 * quota; only then a second mon command, `osd pool get-quota`, reads what the quotas count (0 once
 * the object-count quota is reached). Capabilities no volume can have answer 0 (nothing can be
 * provisioned with them, e.g. mount capabilities naming two filesystems); topology is not consulted (every node reaches the cluster's pools, and
 * CreateVolume does not place by it).
 */
import { checkCapabilities } from '../../decide/capabilities.js';
import { capabilityFsType } from '../../decide/fs-type.js';
import { capacityLeft, capacityTarget, dfPoolSpace, poolQuota } from '../../decide/capacity-pools.js';
import type { Credentials } from '../../decide/credentials.js';
import { monCommand } from '../../effects/ceph/mon-command.js';
import type { GetCapacityRequest__Output } from '../../generated/csi/v1/GetCapacityRequest.js';
import type { GetCapacityResponse } from '../../generated/csi/v1/GetCapacityResponse.js';
import { must, type ControllerDeps } from './controller-deps.js';

export async function poolCapacity(
  req: GetCapacityRequest__Output,
  deps: ControllerDeps,
  creds: Credentials,
): Promise<GetCapacityResponse> {
  const { cluster, pool, origin } = must(capacityTarget(req.parameters, deps.clusters, deps.tenants));
  const caps = req.volume_capabilities;
  const unusable =
    caps.length > 0 &&
    (checkCapabilities(caps).status === 'fail' || capabilityFsType(caps).status === 'fail');
  const bytes = await deps.pool.with(cluster, creds, async (conn) => {
    const df = await monCommand(conn, { prefix: 'df', detail: 'detail', format: 'json' });
    const space = must(dfPoolSpace(df, pool, origin));
    if (!space.hasQuota) return space.maxAvail;
    const quotaJson = await monCommand(conn, { prefix: 'osd pool get-quota', pool, format: 'json' });
    return capacityLeft(space.maxAvail, must(poolQuota(quotaJson, pool)));
  });
  return { available_capacity: (unusable ? 0n : bytes).toString() };
}
