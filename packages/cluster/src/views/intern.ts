import { EMPTY_LABELS } from './raw.js';
import { EMPTY_RESOURCES, type ResourceList } from './resource-list.js';

/**
 * Shares equal read-only values between views: the pods of one ReplicaSet carry the same labels and
 * the same effective requests and limits, so a 100,000-pod snapshot needs only a few thousand distinct
 * label sets and resource lists. Tables are bounded: past `max` distinct values new ones are kept
 * unshared (correct, just not deduplicated). Interned values are frozen (maps: never written; views
 * are read-only by type).
 */
export class Interner<T> {
  private readonly table = new Map<string, T>();

  constructor(private readonly max: number) {}

  intern(key: string, value: T): T {
    const found = this.table.get(key);
    if (found !== undefined) return found;
    if (this.table.size < this.max) this.table.set(key, value);
    return value;
  }

  get size(): number {
    return this.table.size;
  }
}

const MAX_SHARED = 100_000;
const labelSets = new Interner<Readonly<Record<string, string>>>(MAX_SHARED);
const resourceLists = new Interner<ResourceList>(MAX_SHARED);

/** The shared copy of a label set equal to `labels` (key/value order does not matter). */
export function internLabels(labels: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const keys = Object.keys(labels);
  if (keys.length === 0) return EMPTY_LABELS;
  const key = keys
    .sort()
    .map((name) => `${name}\u0000${labels[name]}`)
    .join('\u0001');
  return labelSets.intern(key, Object.freeze(labels));
}

/** The shared copy of a resource list equal to `list`. */
export function internResources(list: ResourceList): ResourceList {
  if (list.size === 0) return EMPTY_RESOURCES;
  const key = [...list.keys()]
    .sort()
    .map((name) => `${name}=${list.get(name)}`)
    .join(',');
  return resourceLists.intern(key, list);
}
