import { fail, type Decision } from './decision.js';
import { asObject, CONTAINER_LISTS, type JsonObject } from './pod-spec.js';

/** Rule name of a pod spec whose container lists are malformed, as in messages and the decisions metric. */
export const POD_SPEC_RULE = 'pod-spec';

/** How a message names a JSON value's type: `string`, `number`, `object`, `null`, `array`… */
export const jsonTypeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

const NONE: readonly Decision[] = Object.freeze([]);

/** Is a container list absent (or null) or a list of objects? (The common case, read without allocating.) */
const isWellFormed = (items: unknown): boolean =>
  items === undefined ||
  items === null ||
  (Array.isArray(items) && items.every((item: unknown) => asObject(item) !== undefined));

/** What is wrong with one container list: not a list, else each item that is not an object. */
function listProblems(list: string, items: unknown): string[] {
  // null, like an absent field, is an empty list to kube-apiserver.
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) return [`${list} must be a list of containers (got ${jsonTypeOf(items)})`];
  const problems: string[] = [];
  items.forEach((item: unknown, index) => {
    if (asObject(item) === undefined)
      problems.push(`${list}[${index}] must be an object (got ${jsonTypeOf(item)})`);
  });
  return problems;
}

/**
 * A pod spec's `containers`, `initContainers` and `ephemeralContainers` as the rules read them: one
 * 422 failure naming each list that is not a list and each item that is not an object (the rules
 * would otherwise see no container there, and let it pass unread), or none.
 */
export function containerListDecisions(spec: JsonObject | undefined): readonly Decision[] {
  if (CONTAINER_LISTS.every((list) => isWellFormed(spec?.[list]))) return NONE;
  const problems = CONTAINER_LISTS.flatMap((list) => listProblems(list, spec?.[list]));
  return [fail(POD_SPEC_RULE, `malformed pod spec: ${problems.join('; ')}; fix the pod spec`, 422)];
}
