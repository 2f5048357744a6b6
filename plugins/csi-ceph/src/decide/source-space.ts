/**
 * Tenant isolation for volumes made from a source (a snapshot or another volume): the source must
 * live where the new volume may read from. A department with its own storage space (pool and RADOS
 * namespace) clones only from that space; a volume in the shared space clones from anywhere but a
 * department's own space. Ceph's caps would stop a per-department cephx user anyway, but the shipped
 * StorageClass uses one shared secret, so the driver checks it itself. A source elsewhere, or on
 * another cluster, does not exist as far as the caller may know: NOT_FOUND, naming no other tenant.
 */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';
import type { Placement, TenantView } from './placement.js';
import type { VolumeRef } from './volume-id.js';

export interface SourceInput {
  readonly kind: 'snapshot' | 'volume';
  readonly id: string;
  readonly ref: VolumeRef;
}

const RULE = 'source-space';

const sameSpace = (a: { pool: string; namespace: string }, b: { pool: string; namespace: string }) =>
  a.pool === b.pool && a.namespace === b.namespace;

/** Given the source, the new volume's placement and cluster, returns pass unless the source is out of reach. */
export function checkSourceSpace(
  source: SourceInput,
  place: Placement,
  clusterID: string,
  tenants: Pick<TenantView, 'department' | 'storageSpaces'> | undefined,
): Decision<null> {
  const missing = (where: string) =>
    fail<null>(RULE, CSI_ERR.NOT_FOUND, `source ${source.kind} "${source.id}" does not exist ${where}`);
  if (source.ref.clusterID !== clusterID) return missing(`in cluster "${clusterID}"`);
  const own =
    place.department === undefined ? undefined : tenants?.department(place.department)?.spec.storage;
  if (own !== undefined) {
    if (sameSpace(source.ref, place)) return pass(RULE, null);
    return missing(`in the storage of department "${place.department}"`);
  }
  const departmentSpaces = tenants?.storageSpaces?.() ?? [];
  if (departmentSpaces.some((space) => sameSpace(source.ref, space))) return missing('in the shared storage');
  return pass(RULE, null);
}
