/** What an Event is about (events.k8s.io/v1 `regarding`, `related`: an ObjectReference). */
export interface EventRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Empty or absent for cluster-scoped objects. */
  readonly namespace?: string;
  readonly uid?: string;
}

export type EventType = 'Normal' | 'Warning';

/** One occurrence to report. Repeats of the same (regarding, type, reason, action, note) fold into a series. */
export interface EventToRecord {
  readonly regarding: EventRef;
  /** A secondary object (e.g. the refused pod when the Event is about its ReplicaSet); not part of the identity. */
  readonly related?: EventRef;
  readonly type: EventType;
  /** UpperCamelCase, machine-readable, e.g. `PolicyDenied`; at most 128 characters. */
  readonly reason: string;
  /** What was done or failed, e.g. `Deny`; at most 128 characters. */
  readonly action: string;
  /** What a person should read; clipped to 1 KiB. */
  readonly note: string;
  /** Where the Event is written; default the regarding object's namespace (`default` for cluster-scoped). */
  readonly namespace?: string;
}
