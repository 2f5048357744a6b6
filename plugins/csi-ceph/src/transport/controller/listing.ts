/**
 * ListVolumes and GetCapacity (pool-capacity.ts): the RPCs without secrets, served with the controller's keyring.
 * ListVolumes walks the journals of every (cluster, pool, namespace) the driver knows: the pools in
 * the cluster config's `rbd.pools`, in the cluster's namespace and every department's.
 */
import type { ClusterEntry } from '../../decide/cluster-config.js';
import type { Credentials } from '../../decide/credentials.js';
import { CSI_ERR, csiError, isCsiError } from '../../errors.js';
import { openSpace, type VolumeSpace } from '../../effects/volume-space.js';
import type { GetCapacityRequest__Output } from '../../generated/csi/v1/GetCapacityRequest.js';
import type { GetCapacityResponse } from '../../generated/csi/v1/GetCapacityResponse.js';
import type { ListVolumesRequest__Output } from '../../generated/csi/v1/ListVolumesRequest.js';
import type { ListVolumesResponse } from '../../generated/csi/v1/ListVolumesResponse.js';
import type { Volume } from '../../generated/csi/v1/Volume.js';
import type { ControllerDeps } from './controller-deps.js';
import { poolCapacity } from './pool-capacity.js';
import { volumeMessage } from './volume-response.js';

export function controllerCreds(deps: ControllerDeps, rpc: string): Credentials {
  if (!deps.controllerCredentials) {
    throw csiError(
      CSI_ERR.UNIMPLEMENTED,
      `${rpc} needs the controller's own credentials: start the driver with --keyring`,
    );
  }
  return deps.controllerCredentials;
}

/** Every (pool, namespace) of a cluster that may hold volumes. */
export function spacesOf(
  cluster: ClusterEntry,
  departmentNamespaces: readonly { pool: string; namespace: string }[],
) {
  const seen = new Map<string, { pool: string; namespace: string }>();
  for (const pool of cluster.pools)
    seen.set(`${pool}/${cluster.radosNamespace}`, { pool, namespace: cluster.radosNamespace });
  for (const s of departmentNamespaces) seen.set(`${s.pool}/${s.namespace}`, s);
  return [...seen.values()];
}

export interface SpaceWalk {
  /**
   * Skip the spaces whose journal the credentials' caps do not cover (Ceph's EPERM) instead of
   * failing: a department's user, whose caps cover its own RADOS namespace only, sees its spaces.
   */
  readonly skipForbidden?: boolean;
}

/** Runs `fn` on every (cluster, pool, namespace) journal the driver knows that exists. */
export async function forEachSpace(
  deps: ControllerDeps,
  creds: Credentials,
  fn: (cluster: ClusterEntry, space: VolumeSpace) => Promise<void>,
  walk: SpaceWalk = {},
): Promise<void> {
  const departments = deps.tenants?.storageSpaces?.() ?? [];
  const skipped = (err: unknown) =>
    isCsiError(err, CSI_ERR.NOT_FOUND) ||
    (walk.skipForbidden === true && isCsiError(err, CSI_ERR.CEPH_FORBIDDEN));
  for (const cluster of deps.clusters.values()) {
    await deps.pool.with(cluster, creds, async (conn) => {
      for (const { pool, namespace } of spacesOf(cluster, departments)) {
        const space = await openSpace(conn, pool, namespace).catch((err: unknown) => {
          if (skipped(err)) return undefined;
          throw err;
        });
        if (!space) continue;
        await fn(cluster, space).catch((err: unknown) => {
          if (walk.skipForbidden !== true || !isCsiError(err, CSI_ERR.CEPH_FORBIDDEN)) throw err;
        });
      }
    });
  }
}

async function allVolumes(deps: ControllerDeps, creds: Credentials): Promise<Volume[]> {
  const volumes: Volume[] = [];
  await forEachSpace(deps, creds, async (cluster, space) => {
    for (const { uuid, record } of await space.journal.listVolumes('', 100_000)) {
      const ref = { clusterID: cluster.clusterID, pool: space.pool, namespace: space.namespace, uuid };
      volumes.push(volumeMessage(ref, record));
    }
  });
  return volumes.sort((a, b) => ((a.volume_id ?? '') < (b.volume_id ?? '') ? -1 : 1));
}

/** Pagination: the token is the offset of the next entry, as issued by the previous page. */
export function page<T>(
  items: readonly T[],
  maxEntries: number,
  token: string,
): { items: T[]; next: string } {
  if (maxEntries < 0) throw csiError(CSI_ERR.INVALID_ARGUMENT, 'max_entries must not be negative');
  const start = token === '' ? 0 : Number(token);
  if (
    !Number.isInteger(start) ||
    start < 0 ||
    start > items.length ||
    (token !== '' && !/^\d+$/.test(token))
  ) {
    throw csiError(
      CSI_ERR.BAD_TOKEN,
      `starting_token "${token}" was not issued by this driver: list again from the start`,
    );
  }
  const end = maxEntries === 0 ? items.length : Math.min(items.length, start + maxEntries);
  return { items: items.slice(start, end), next: end < items.length ? String(end) : '' };
}

export async function listVolumes(
  req: ListVolumesRequest__Output,
  deps: ControllerDeps,
): Promise<ListVolumesResponse> {
  const creds = controllerCreds(deps, 'ListVolumes');
  const { items, next } = page(await allVolumes(deps, creds), req.max_entries, req.starting_token);
  return { entries: items.map((volume) => ({ volume })), next_token: next };
}

export async function getCapacity(
  req: GetCapacityRequest__Output,
  deps: ControllerDeps,
): Promise<GetCapacityResponse> {
  return poolCapacity(req, deps, controllerCreds(deps, 'GetCapacity'));
}
