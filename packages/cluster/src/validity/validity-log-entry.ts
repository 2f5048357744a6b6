import type { InvalidPolicy } from '../store/invalid-policy.js';
import type { PolicyValidityChange } from '../store/validity-changes.js';

/** One log line: its level, its fields and its message. */
export interface ValidityLogEntry {
  readonly level: 'warn' | 'info';
  readonly fields: Readonly<Record<string, unknown>>;
  readonly msg: string;
}

export const INVALID_MSG = 'invalid policy object';
export const VALID_AGAIN_MSG = 'policy object valid again';
export const DELETED_MSG = 'invalid policy object deleted';

/**
 * Given a change of refusal, returns the line to log, or undefined: a warn line when an object
 * becomes invalid or its refusal changes (other problems, other reason, its last valid copy applied
 * or gone), an info line when it is valid again or deleted; nothing when only the refused copy
 * changed (a new resourceVersion or status with the same problems).
 */
export function validityLogEntry(change: PolicyValidityChange): ValidityLogEntry | undefined {
  const object = {
    kind: change.kind,
    ...(change.namespace === undefined ? {} : { namespace: change.namespace }),
    name: change.name,
  };
  const { before, after } = change;
  if (after === undefined) {
    if (before === undefined) return undefined;
    return change.served
      ? { level: 'info', fields: object, msg: VALID_AGAIN_MSG }
      : { level: 'info', fields: object, msg: DELETED_MSG };
  }
  if (before !== undefined && sameRefusal(before, after)) return undefined;
  const [first] = after.problems;
  return {
    level: 'warn',
    fields: {
      ...object,
      reason: after.reason,
      field: first?.field ?? '',
      message: first?.message ?? '',
      problems: after.problems.map(({ field, message }) => ({ field, message })),
      lastValidKept: after.lastValidKept,
      ...(after.copy.generation === undefined ? {} : { generation: after.copy.generation }),
    },
    msg: INVALID_MSG,
  };
}

/** Same reason, same problems (in any order), same answer to "is a valid copy kept?". */
function sameRefusal(a: InvalidPolicy, b: InvalidPolicy): boolean {
  if (a.reason !== b.reason || a.lastValidKept !== b.lastValidKept) return false;
  const described = (p: InvalidPolicy) =>
    p.problems
      .map(({ field, message }) => `${field}: ${message}`)
      .sort()
      .join('\n');
  return described(a) === described(b);
}
