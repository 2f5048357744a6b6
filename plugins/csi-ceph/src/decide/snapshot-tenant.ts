/**
 * Tenant isolation for CreateSnapshot. The csi-snapshotter started with `--extra-create-metadata`
 * (as deploy/csi-ceph runs it) passes the VolumeSnapshot's namespace in the parameters
 * (`csi.storage.k8s.io/volumesnapshot/namespace`). A snapshot lives beside its source volume and is
 * recorded as of that volume's department, and only that department may restore it
 * (decide/source-space.ts), so a snapshot asked for from a namespace of another department serves
 * nobody and, with one shared secret (deploy/csi-ceph/storageclass.yaml), would be taken of data the
 * asking department may not read. The namespace's department must be one that could use the volume
 * as a clone source: the same rules (checkSourceSpace, checkSourceDepartment), the same answer
 * (NOT_FOUND, naming no other tenant). A namespace labelled for a department Corral does not serve,
 * or one a `--kubeconfig` watch has not delivered yet, is refused as CreateVolume refuses it
 * (placeVolume). Without the parameter (a CO or sidecar that does not pass it) or without policies,
 * nothing is compared: the source volume ID names its own space, and the request's cephx user bounds
 * what it reaches.
 */
import { fail, pass, type Decision } from './decision.js';
import { placeVolume, type TenantView } from './placement.js';
import { checkSourceDepartment, checkSourceSpace } from './source-space.js';
import type { VolumeRef } from './volume-id.js';

/** The parameter the csi-snapshotter adds with `--extra-create-metadata`. */
export const SNAPSHOT_NAMESPACE_PARAM = 'csi.storage.k8s.io/volumesnapshot/namespace';

export interface SnapshotSource {
  /** The source volume's ID, as the request names it. */
  readonly id: string;
  readonly ref: VolumeRef;
  /** The department its journal record names (undefined: of no department). */
  readonly department: string | undefined;
}

/**
 * Given CreateSnapshot's parameters, its source volume, the cluster's default RADOS namespace and the
 * tenant view (undefined without policies), returns pass unless the VolumeSnapshot's namespace may not
 * have a snapshot of that volume (NOT_FOUND), or its department cannot be told (as CreateVolume).
 */
export function checkSnapshotTenant(
  parameters: Readonly<Record<string, string>>,
  source: SnapshotSource,
  defaultNamespace: string,
  tenants: TenantView | undefined,
): Decision<null> {
  const rule = 'snapshot-tenant';
  const namespace = parameters[SNAPSHOT_NAMESPACE_PARAM];
  if (!namespace || !tenants) return pass(rule, null);
  // The pool matters only for a department with storage of its own, whose own pool placeVolume gives.
  const placed = placeVolume({ pool: source.ref.pool, pvcNamespace: namespace }, defaultNamespace, tenants);
  if (placed.status === 'fail') return placed;
  const asSource = { kind: 'volume' as const, id: source.id, ref: source.ref };
  for (const decision of [
    checkSourceSpace(asSource, placed.value, source.ref.clusterID, tenants),
    checkSourceDepartment(asSource, source.department, placed.value, true),
  ]) {
    if (decision.status === 'fail') return fail(rule, decision.code, decision.message);
  }
  return pass(rule, null);
}
