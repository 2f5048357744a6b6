import type { V1LeaseSpec, V1MicroTime } from '@kubernetes/client-node';

/**
 * What a leader-election Lease says (coordination.k8s.io/v1 `spec`): who holds it, for how long a
 * candidate must see it unchanged before taking it over, when it was acquired and last renewed, and
 * how many times it changed hands.
 */
export interface LeaderRecord {
  /** Empty when nobody holds the lease (never held, or released). */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  /** MicroTime text, e.g. `2025-01-01T00:00:00.123000Z`. */
  readonly acquireTime?: string;
  readonly renewTime?: string;
  readonly leaseTransitions: number;
}

/** A time as the API's MicroTime: RFC 3339 in UTC with six fraction digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

function timeText(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const count = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;

/** The record in a Lease's spec; missing or malformed fields read as "nobody, never". */
export function recordOf(spec: V1LeaseSpec | undefined): LeaderRecord {
  const acquireTime = timeText(spec?.acquireTime);
  const renewTime = timeText(spec?.renewTime);
  return {
    holderIdentity: typeof spec?.holderIdentity === 'string' ? spec.holderIdentity : '',
    leaseDurationSeconds: count(spec?.leaseDurationSeconds, 0),
    ...(acquireTime === undefined ? {} : { acquireTime }),
    ...(renewTime === undefined ? {} : { renewTime }),
    leaseTransitions: count(spec?.leaseTransitions, 0),
  };
}

/**
 * The Lease spec for a record. The times go out as strings: client-node passes a field of a type it
 * does not know (V1MicroTime) through as is, and a string keeps the six fraction digits the API expects.
 */
export function specOf(record: LeaderRecord): V1LeaseSpec {
  const time = (text: string | undefined) => text as unknown as V1MicroTime | undefined;
  return {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    ...(record.acquireTime === undefined ? {} : { acquireTime: time(record.acquireTime) }),
    ...(record.renewTime === undefined ? {} : { renewTime: time(record.renewTime) }),
    leaseTransitions: record.leaseTransitions,
  };
}
