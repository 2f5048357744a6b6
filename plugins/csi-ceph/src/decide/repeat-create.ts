/**
 * CreateVolume's idempotency: a request for a name the journal already holds gets that volume back
 * only when it is compatible with it (CSI spec: "compatible with the specified capacity_range,
 * volume_capabilities and parameters"; else ALREADY_EXISTS): every parameter that shapes the volume
 * (paramsFingerprint; the filesystem as the mount capabilities name it), the content source, and the size.
 *
 * The size is judged on the size the volume was created with as well as its size now: after a
 * ControllerExpandVolume, a repeat of the original request (its answer lost, an external-provisioner
 * retry, a CO re-running its create) would otherwise find the grown volume past its own `limit_bytes`
 * and get ALREADY_EXISTS for the very volume it made. The expansion was asked for by the CO on that
 * volume, not by another request for the name; the answer carries the current size. A record grown
 * before the driver kept `createdBytes` has only its current size to judge by.
 */
import { CSI_ERR } from '../errors.js';
import { sizeFitsRange, type RangeInput } from './capacity.js';
import { fail, pass, type Decision } from './decision.js';
import type { VolumeRecord } from './journal-records.js';
import { fingerprintMatches, type VolumeParams } from './parameters.js';

export interface RepeatedCreate {
  readonly name: string;
  readonly params: VolumeParams;
  readonly range: RangeInput | null | undefined;
  /** `snapshot:<id>` or `volume:<id>`, as the journal records it; undefined: an empty volume. */
  readonly source: string | undefined;
}

const RULE = 'create-idempotency';

/** Does the range fit the size the volume was created with, or the size it has now? */
export function sizeCompatible(
  record: Pick<VolumeRecord, 'bytes' | 'createdBytes'>,
  range: RangeInput | null | undefined,
): boolean {
  const created = BigInt(record.createdBytes ?? record.bytes);
  return sizeFitsRange(created, range) || sizeFitsRange(BigInt(record.bytes), range);
}

/** Given the journal's record for the name and the repeated request, returns pass when it may have that volume. */
export function repeatedCreateDecision(record: VolumeRecord, request: RepeatedCreate): Decision<null> {
  const conflict = (what: string) =>
    fail<null>(
      RULE,
      CSI_ERR.NAME_CONFLICT,
      `volume "${request.name}" already exists ${what}: use a new name, or repeat the original request`,
    );
  if (!fingerprintMatches(record.fingerprint, request.params)) {
    return conflict(
      'with other parameters (clusterID, pool, imageFeatures, filesystem: fs_type or fstype, volumeNamePrefix, mkfsOptions or PVC namespace)',
    );
  }
  if (record.source !== request.source) {
    return conflict(record.source ? `made from ${record.source}` : 'as an empty volume');
  }
  if (!sizeCompatible(record, request.range)) {
    const created = record.createdBytes ?? record.bytes;
    const sizes =
      created === record.bytes ? `${record.bytes} bytes` : `${created} bytes, now ${record.bytes}`;
    return conflict(`with ${sizes}, outside the requested capacity_range`);
  }
  return pass(RULE, null);
}
