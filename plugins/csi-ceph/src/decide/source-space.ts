/**
 * Tenant isolation for volumes made from a source (a snapshot or another volume): the source must
 * live where the new volume may read from. A department with its own storage space (pool and RADOS
 * namespace) clones only from that space; a volume in the shared space clones from anywhere but a
 * department's own space. Ceph's caps would stop a per-department cephx user anyway, but the shipped
 * StorageClass uses one shared secret, so the driver checks it itself. A source elsewhere, or on
 * another cluster, does not exist as far as the caller may know: NOT_FOUND, naming no other tenant.
 * Departments without storage of their own share one space, so the space alone does not keep them
 * apart: the department recorded with the source must be the new volume's too (checkSourceDepartment).
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

/**
 * Given the department recorded with the source (a volume's record; a snapshot's, else its volume's),
 * the new volume's placement and whether the driver runs with policies, returns pass unless the
 * source is another department's: a volume of department A never becomes B's, nor one of no
 * department (whose data anybody in the shared space may read). A source of no department passes, as
 * does anything without policies (no departments to keep apart). Checked once the source's record is
 * read, before its size is (a refused caller learns nothing about it) and before anything is reserved.
 */
export function checkSourceDepartment(
  source: Pick<SourceInput, 'kind' | 'id'>,
  sourceDepartment: string | undefined,
  place: Pick<Placement, 'department'>,
  withPolicies: boolean,
): Decision<null> {
  if (!withPolicies || sourceDepartment === undefined || sourceDepartment === place.department)
    return pass(RULE, null);
  const forWhom =
    place.department === undefined ? 'for a volume of no department' : `for department "${place.department}"`;
  return fail(RULE, CSI_ERR.NOT_FOUND, `source ${source.kind} "${source.id}" does not exist ${forWhom}`);
}
