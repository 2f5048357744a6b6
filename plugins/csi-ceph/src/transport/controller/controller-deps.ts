/** What the controller handlers share, and the small checks every handler starts with. */
import type { ClusterEntry } from '../../decide/cluster-config.js';
import type { Credentials } from '../../decide/credentials.js';
import { credentialsFromSecrets } from '../../decide/credentials.js';
import type { TenantView } from '../../decide/placement.js';
import { CSI_ERR, csiError } from '../../errors.js';
import type { ConnectionPool } from '../../effects/ceph/connection-pool.js';
import { imageSize, removeImage, setMetadata } from '../../effects/ceph/rbd-images.js';
import type { JournalOptions } from '../../effects/journal.js';
import type { BackgroundJobs } from '../background-jobs.js';
import type { FlattenMetrics } from '../csi-metrics.js';
import type { FlattenRetries } from '../flatten-retries.js';
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
  /**
   * Retries of flattens that failed for a reason waiting may cure (a full pool, Ceph unreachable);
   * without it a failed flatten waits for the next resume scan or call.
   */
  readonly flattenRetries?: FlattenRetries;
  /** Told how each background flatten ended (corral_csi_background_flattens_total); none in tests. */
  readonly flattenMetrics?: Pick<FlattenMetrics, 'ended'>;
  /** Told about background work failures (flatten) that are not retried. */
  readonly onBackgroundError?: (err: unknown, what: string) => void;
  /** Told about a flatten the shutdown stopped (the next start's scan resumes it). */
  readonly onBackgroundStopped?: (image: string) => void;
  /** Ceph steps replaced by tests to fail at a precise point (default: the real ones). */
  readonly steps?: Partial<CephSteps>;
  /** The journal's clock, lease time and identity (tests; default: this process, 2 minutes). */
  readonly journal?: JournalOptions;
}

/** The Ceph steps a test may replace: each runs after something was made that a failure must undo. */
export interface CephSteps {
  /** Reads an open image's size (CreateSnapshot: right after the snapshot was taken). */
  readonly imageSize: typeof imageSize;
  /** Sets image metadata (CreateVolume: right after the image was made). */
  readonly setMetadata: typeof setMetadata;
  /** Removes an image (CreateVolume's undo). */
  readonly removeImage: typeof removeImage;
}

export function stepsOf(deps: ControllerDeps): CephSteps {
  return { imageSize, setMetadata, removeImage, ...deps.steps };
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
