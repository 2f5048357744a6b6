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
   * What the claim counts in `requests.storage`, in nano-units (0 when absent): the larger of
   * spec.resources.requests.storage and status.allocatedResources.storage, as ResourceQuota counts it
   * since RecoverVolumeExpansionFailure (a request lowered after a failed expansion keeps counting
   * what was allocated).
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
  const requested = requests.get('storage') ?? 0n;
  const allocatedStorage = allocated.get('storage') ?? 0n;
  return {
    ok: true,
    value: {
      uid: stringAt(recordAt(raw, 'metadata'), 'uid') ?? '',
      namespace: ref.namespace,
      name: ref.name,
      ...(storageClass ? { storageClass } : {}),
      requestedStorage: allocatedStorage > requested ? allocatedStorage : requested,
      phase: stringAt(recordAt(raw, 'status'), 'phase') ?? 'Pending',
    },
  };
}

const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** The class a claim counts under: the beta annotation when present, else spec.storageClassName. */
function claimClass(raw: RawObject | undefined, spec: RawObject | undefined): string | undefined {
  const annotations = recordAt(recordAt(raw, 'metadata'), 'annotations');
  if (annotations !== undefined && Object.hasOwn(annotations, BETA_CLASS_ANNOTATION))
    return stringAt(annotations, BETA_CLASS_ANNOTATION);
  return stringAt(spec, 'storageClassName');
}
