import type { Validated } from '@corral/policy';
import { readRef, toProblems, unnamedProblem, type FieldError } from './object-ref.js';
import { asRecord, recordAt, stringAt, type RawObject } from './raw.js';
import { readResourceList } from './resource-list.js';

export interface PvcView {
  /** metadata.uid ('' when absent): tells a claim from an earlier one of the same name. */
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  /**
   * The claim's StorageClass as ResourceQuota reads it (GetPersistentVolumeClaimClass): the beta
   * annotation volume.beta.kubernetes.io/storage-class first, else spec.storageClassName (set by the
   * DefaultStorageClass admission plugin when a default class exists). Left out when empty: a claim
   * without a class counts under no per-class quota key.
   */
  readonly storageClass?: string;
  /**
   * What the claim counts in `requests.storage`, in nano-units, as ResourceQuota's PVC evaluator
   * (getStorageUsage): spec.resources.requests.storage rounded up to a whole byte (RoundUp(0): `1500m`
   * counts 2), or status.allocatedResources.storage rounded up likewise when that is larger (a request
   * lowered after a failed expansion keeps counting what was allocated, RecoverVolumeExpansionFailure).
   * 0 when the claim requests no storage, whatever was allocated.
   */
  readonly requestedStorage: bigint;
  /** status.phase: Pending, Bound or Lost (Pending when absent). */
  readonly phase: string;
}

export function toPvcView(item: unknown, origin: string): Validated<PvcView> {
  const ref = readRef('PersistentVolumeClaim', item);
  if (!ref?.namespace) return { ok: false, problems: [unnamedProblem('PersistentVolumeClaim', origin)] };
  const raw = asRecord(item);
  const spec = recordAt(raw, 'spec');
  const errors: FieldError[] = [];
  const requests = readResourceList(
    recordAt(spec, 'resources')?.['requests'],
    '/spec/resources/requests',
    errors,
  );
  const allocated = readResourceList(
    recordAt(recordAt(raw, 'status'), 'allocatedResources'),
    '/status/allocatedResources',
    errors,
  );
  if (errors.length > 0) return { ok: false, problems: toProblems(ref, origin, errors) };
  const storageClass = claimClass(raw, spec);
  return {
    ok: true,
    value: {
      uid: stringAt(recordAt(raw, 'metadata'), 'uid') ?? '',
      namespace: ref.namespace,
      name: ref.name,
      ...(storageClass ? { storageClass } : {}),
      requestedStorage: storageUsage(requests.get('storage'), allocated.get('storage')),
      phase: stringAt(recordAt(raw, 'status'), 'phase') ?? 'Pending',
    },
  };
}

/** One byte in nano-units. */
const BYTE = 1_000_000_000n;

/**
 * A claim's storage usage from its request and allocated size (nano-units), as getStorageUsage: the
 * request in whole bytes; the allocated size in whole bytes when larger than that; none without a
 * request.
 */
function storageUsage(requested: bigint | undefined, allocated: bigint | undefined): bigint {
  if (requested === undefined) return 0n;
  const counted = wholeBytes(requested);
  return allocated !== undefined && allocated > counted ? wholeBytes(allocated) : counted;
}

/** Rounded up to a whole byte, away from zero (apimachinery's Quantity.RoundUp(0)). */
function wholeBytes(nanos: bigint): bigint {
  const rest = nanos % BYTE;
  if (rest === 0n) return nanos;
  return nanos - rest + (nanos > 0n ? BYTE : -BYTE);
}

const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** The class a claim counts under: the beta annotation when present, else spec.storageClassName. */
function claimClass(raw: RawObject | undefined, spec: RawObject | undefined): string | undefined {
  const annotations = recordAt(recordAt(raw, 'metadata'), 'annotations');
  if (annotations !== undefined && Object.hasOwn(annotations, BETA_CLASS_ANNOTATION))
    return stringAt(annotations, BETA_CLASS_ANNOTATION);
  return stringAt(spec, 'storageClassName');
}
