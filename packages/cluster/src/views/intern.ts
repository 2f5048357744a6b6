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

/**
 * Names, for internName. Cleared when full rather than frozen: nodes come and go (autoscaling), and
 * the table must keep sharing the current ones, not fill up with the names of nodes long gone.
 */
const names = new Map<string, string>();
const MAX_NAMES = 16_384;

/**
 * The shared copy of a name that many views repeat: a pod's namespace and node. JSON.parse
 * shares only strings of up to 10 characters; longer ones (`ip-10-0-12-34.eu-west-1.compute.internal`,
 * most namespaces) arrive as one copy per pod and field, 40-70 bytes each.
 */
export function internName(name: string): string;
export function internName(name: string | undefined): string | undefined;
export function internName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const found = names.get(name);
  if (found !== undefined) return found;
  if (names.size >= MAX_NAMES) names.clear();
  names.set(name, name);
  return name;
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
