/**
 * Ages for `corral check`. Conflicts between policy objects go to the oldest (creationTimestamp), and
 * objects without one count as newer than any that has one, ties broken by name. Policy files carry
 * no timestamps, so offline the name would decide; on a cluster the object being created is always
 * the newest. Check therefore dates the policies it loads just after the newest dated one, and every
 * object it checks after those, one step apart, in file order.
 */

import { asObject } from '../decide/pod-spec.js';

/** The date given when no policy object carries one (any fixed date would do). */
const FIRST_DATE = Date.parse('2000-01-01T00:00:00Z');
const STEP_MS = 1000;

/** An object's metadata.creationTimestamp in ms, undefined when absent or not a date. */
export function createdAt(object: unknown): number | undefined {
  const text = asObject(asObject(object)?.['metadata'])?.['creationTimestamp'];
  if (typeof text !== 'string') return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

/** One step after the newest dated object, or a fixed date when none is dated. */
export function dateAfter(objects: Iterable<unknown>): number {
  let newest: number | undefined;
  for (const object of objects) {
    const time = createdAt(object);
    if (time !== undefined && (newest === undefined || time > newest)) newest = time;
  }
  return newest === undefined ? FIRST_DATE : newest + STEP_MS;
}

/** The object with metadata.creationTimestamp set to `time` when it has none; others as they are. */
export function withCreationTimestamp<T>(object: T, time: number): T {
  const record = asObject(object);
  if (record === undefined || createdAt(object) !== undefined) return object;
  const metadata = asObject(record['metadata']) ?? {};
  return { ...record, metadata: { ...metadata, creationTimestamp: new Date(time).toISOString() } } as T;
}

/** Dates every undated object `time`: they keep their order among themselves (by name). */
export function dateUndated<T>(objects: readonly T[], time: number): T[] {
  return objects.map((object) => withCreationTimestamp(object, time));
}

/** Dates for objects checked one after the other: each a step newer than the one before. */
export function ageClock(after: number): () => number {
  let last = after;
  return () => {
    last += STEP_MS;
    return last;
  };
}
