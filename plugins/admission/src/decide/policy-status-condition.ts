import type { InvalidPolicy } from '@corral/cluster';
import { redactText, type Condition } from '@corral/policy';

/** The condition type Corral keeps on every Department and NamespacePolicy it reads from the cluster. */
export const VALID_CONDITION = 'Valid';

/** Longest condition message written; the problems beyond are counted, not listed. */
const MAX_MESSAGE = 1024;

/** A condition before its lastTransitionTime is settled. */
export type DesiredCondition = Omit<Condition, 'lastTransitionTime'>;

/**
 * Given why the newest copy of a policy object is refused (undefined: it is not), the generation of
 * that copy and the generation still served (undefined: none), returns the `Valid` condition to show:
 * True/`Valid`, or False/`InvalidSpec` or False/`Conflict` with a message naming the fields.
 */
export function validCondition(
  refused: InvalidPolicy | undefined,
  generation: number | undefined,
  servedGeneration: number | undefined,
): DesiredCondition {
  const observed = generation === undefined ? {} : { observedGeneration: generation };
  if (!refused)
    return {
      type: VALID_CONDITION,
      status: 'True',
      reason: 'Valid',
      message: 'Corral serves this spec.',
      ...observed,
    };
  const what = refused.reason === 'Conflict' ? 'Held back by a conflict' : 'Refused by validation';
  const kept = refused.lastValidKept
    ? `Corral keeps serving the last valid spec${servedGeneration === undefined ? '' : ` (generation ${servedGeneration})`}.`
    : `Corral treats the ${refused.kind} as absent until it is fixed.`;
  return {
    type: VALID_CONDITION,
    status: 'False',
    reason: refused.reason,
    message: redactText(`${what}: ${listProblems(refused)}. ${kept}`),
    ...observed,
  };
}

/** `field: message; …`, cut at MAX_MESSAGE characters with the number of problems left out. */
function listProblems(refused: InvalidPolicy): string {
  const parts = refused.problems.map(({ field, message }) => `${field || '/'}: ${message}`);
  let text = '';
  for (const [i, part] of parts.entries()) {
    const next = text === '' ? part : `${text}; ${part}`;
    if (next.length > MAX_MESSAGE) return `${text}; and ${parts.length - i} more`;
    text = next;
  }
  return text;
}

/**
 * Given the conditions a status holds, puts `desired` in place of the condition of its type (added
 * last when there is none), other conditions untouched. lastTransitionTime stays while the status
 * stays, and is `now` when it changes or was missing.
 */
export function withCondition(
  current: readonly Condition[],
  desired: DesiredCondition,
  now: string,
): Condition[] {
  const previous = current.find((c) => c.type === desired.type);
  const since =
    previous?.status === desired.status && previous.lastTransitionTime ? previous.lastTransitionTime : now;
  const next: Condition = { ...desired, lastTransitionTime: since };
  return previous ? current.map((c) => (c === previous ? next : c)) : [...current, next];
}

/** The well-formed conditions of a stored status (anything else is dropped). */
export function readConditions(raw: unknown): Condition[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (c): c is Condition =>
      typeof c === 'object' &&
      c !== null &&
      typeof (c as Condition).type === 'string' &&
      ['True', 'False', 'Unknown'].includes((c as Condition).status),
  );
}

const CONDITION_FIELDS = [
  'type',
  'status',
  'reason',
  'message',
  'lastTransitionTime',
  'observedGeneration',
] as const;

/** Same conditions, field by field, whatever the key order the API server returned them in. */
export function sameConditions(a: readonly Condition[], b: readonly Condition[]): boolean {
  return a.length === b.length && a.every((c, i) => CONDITION_FIELDS.every((f) => c[f] === b[i]?.[f]));
}

/**
 * The status as a string with every lastTransitionTime left out: two computations of one status at
 * different times compare equal (a write the snapshot has not shown yet is not repeated with a later
 * time).
 */
export function statusFingerprint(status: { readonly conditions?: readonly Condition[] }): string {
  const conditions = status.conditions?.map(({ lastTransitionTime: _time, ...rest }) => rest);
  return JSON.stringify(conditions === undefined ? status : { ...status, conditions });
}

/** A metav1.Time: RFC 3339, whole seconds, UTC. */
export function conditionTime(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}
