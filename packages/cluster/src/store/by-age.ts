import { asRecord, recordAt, stringAt } from '../views/raw.js';

/**
 * Orders raw objects oldest first (metadata.creationTimestamp, then name), so that a list applies
 * the way "oldest wins" expects. Objects without a timestamp come last.
 */
export function oldestFirst(items: readonly unknown[]): unknown[] {
  return items
    .map((item) => ({ item, age: ageKey(item) }))
    .sort((a, b) => compare(a.age, b.age))
    .map(({ item }) => item);
}

interface AgeKey {
  readonly time: number;
  readonly name: string;
}

function ageKey(item: unknown): AgeKey {
  const metadata = recordAt(asRecord(item), 'metadata');
  const raw = metadata?.['creationTimestamp'];
  const time = raw instanceof Date ? raw.getTime() : typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
  return {
    time: Number.isNaN(time) ? Number.POSITIVE_INFINITY : time,
    name: stringAt(metadata, 'name') ?? '',
  };
}

function compare(a: AgeKey, b: AgeKey): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
