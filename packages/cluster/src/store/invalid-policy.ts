import type { PolicyProblem } from '@corral/policy';
import { asRecord, recordAt, stringAt } from '../views/raw.js';

export type PolicyKind = 'Department' | 'NamespacePolicy';

/**
 * Why a policy object is not served as it stands: `InvalidSpec`, Corral's validation refuses it on its
 * own; `Conflict`, it is valid on its own but conflicts with an older object (held back until that
 * conflict goes).
 */
export type InvalidReason = 'InvalidSpec' | 'Conflict';

/** The newest copy of a policy object the snapshot refused, as the source delivered it. */
export interface RefusedCopy {
  readonly generation?: number;
  readonly resourceVersion?: string;
  /** The copy's `status`, as stored (not validated). */
  readonly status?: unknown;
}

/** A policy object whose newest copy the snapshot does not serve, and why. */
export interface InvalidPolicy {
  readonly kind: PolicyKind;
  readonly name: string;
  readonly namespace?: string;
  readonly reason: InvalidReason;
  readonly problems: readonly PolicyProblem[];
  /** True when an earlier valid copy keeps serving; false when the object is treated as absent. */
  readonly lastValidKept: boolean;
  readonly copy: RefusedCopy;
}

/** Reads generation, resourceVersion and status from a raw object, trusting nothing. */
export function refusedCopyOf(item: unknown): RefusedCopy {
  const object = asRecord(item);
  const metadata = recordAt(object, 'metadata');
  const generation = metadata?.['generation'];
  const resourceVersion = stringAt(metadata, 'resourceVersion');
  return {
    ...(Number.isSafeInteger(generation) ? { generation: generation as number } : {}),
    ...(resourceVersion === undefined ? {} : { resourceVersion }),
    ...(object?.['status'] === undefined ? {} : { status: object['status'] }),
  };
}
