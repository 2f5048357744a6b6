/**
 * The rule that settles conflicts between policy objects: the oldest object (by
 * metadata.creationTimestamp) wins; objects without a timestamp (e.g. loaded from files) count as
 * newer than any that has one; ties go to the name, then the namespace, in code-point order.
 */

export interface Aged {
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly creationTimestamp?: string | null;
  };
}

export function compareByAge(a: Aged, b: Aged): number {
  const byTime = compareTimes(createdAt(a), createdAt(b));
  if (byTime !== 0) return byTime;
  return (
    compareText(a.metadata.name, b.metadata.name) ||
    compareText(a.metadata.namespace ?? '', b.metadata.namespace ?? '')
  );
}

/** Why `winner` beats `loser`, in words: `older` or `same age, name sorts first`. */
export function whyWins(winner: Aged, loser: Aged): string {
  return compareTimes(createdAt(winner), createdAt(loser)) < 0 ? 'older' : 'same age, name sorts first';
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function createdAt(object: Aged): number | undefined {
  const text = object.metadata.creationTimestamp;
  if (typeof text !== 'string') return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

function compareTimes(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a - b;
}
