/** What the controller handlers share, and the small checks every handler starts with. */
import type { ClusterEntry } from '../../decide/cluster-config.js';
import type { Credentials } from '../../decide/credentials.js';
import { credentialsFromSecrets } from '../../decide/credentials.js';
import type { TenantView } from '../../decide/placement.js';
import { CSI_ERR, csiError } from '../../errors.js';
import type { ConnectionPool } from '../../effects/ceph/connection-pool.js';
import type { BackgroundJobs } from '../background-jobs.js';
import type { OperationLocks } from '../operation-locks.js';
import { must } from '../request-checks.js';

export { must, requireField } from '../request-checks.js';

export interface ControllerDeps {
  readonly clusters: ReadonlyMap<string, ClusterEntry>;
  readonly pool: ConnectionPool;
  readonly locks: OperationLocks;
  /** Departments and usage, when the driver runs with policies (tenant isolation). */
  readonly tenants?: TenantView;
  /** Credentials for RPCs without secrets (GetCapacity, ListVolumes), from --keyring. */
  readonly controllerCredentials?: Credentials;
  /** Background flattens, awaited by DeleteVolume. */
  readonly jobs: BackgroundJobs;
  /** Told about background work failures (flatten). */
  readonly onBackgroundError?: (err: unknown, what: string) => void;
}

export function clusterOf(deps: ControllerDeps, clusterID: string): ClusterEntry {
  const cluster = deps.clusters.get(clusterID);
  if (!cluster) {
    const known = [...deps.clusters.keys()].join(', ') || 'none';
    throw csiError(
      CSI_ERR.UNKNOWN_CLUSTER,
      `clusterID "${clusterID}" is not in the cluster config (known: ${known})`,
    );
  }
  return cluster;
}

/**
 * The request's secrets (userID/userKey). RPCs that carry secrets never fall back to the controller's
 * keyring: a volume is only reachable with the credentials its StorageClass names.
 */
export function credentialsFor(
  _deps: ControllerDeps,
  secrets: Readonly<Record<string, string>> | undefined,
): Credentials {
  return must(credentialsFromSecrets(secrets));
}
