/**
 * Values the mutation builds once (per policy or placement) and then shares between the pods it
 * mutates: the default `resources` of a container that sets none, the placement affinity and
 * tolerations of a pod that has none, the pull secrets list. Each is frozen all the way down and
 * remembered as such, so that whoever meets one later (the envelope computing the patch) knows it can
 * never change and may reuse what it computed from it the first time.
 */
const deeplyFrozen = new WeakSet<object>();

/** Freezes a JSON-like value and everything in it, marks every object in it, and returns it. */
export function deepFrozen<T>(value: T): T {
  if (typeof value !== 'object' || value === null || deeplyFrozen.has(value)) return value;
  for (const child of Object.values(value)) deepFrozen(child);
  Object.freeze(value);
  deeplyFrozen.add(value);
  return value;
}

/** Was this value made by deepFrozen (so neither it nor anything in it can change)? */
export function isDeepFrozen(value: unknown): boolean {
  return typeof value === 'object' && value !== null && deeplyFrozen.has(value);
}
