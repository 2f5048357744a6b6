import { randomUUID } from 'node:crypto';
import type { ResourceType } from './resources.js';

/** A Kubernetes object as JSON; only `metadata` is looked at. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type StoredEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  readonly resourceVersion: number;
  readonly type: StoredEventType;
  readonly resource: ResourceType;
  readonly object: KubeObject;
}

function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** The key an object is stored (and listed in order) under. */
export function storeKeyOf(object: KubeObject): string {
  return keyOf(object.metadata.namespace, object.metadata.name);
}

function inNamespace(object: KubeObject, namespace: string | undefined): boolean {
  return namespace === undefined || object.metadata.namespace === namespace;
}

/**
 * Objects per resource type with one monotonic resourceVersion counter shared by all types (as etcd
 * has), and the event history watches replay from. `compact()` forgets that history, so a watch from
 * an older resourceVersion must be answered with 410 Gone.
 */
export class ObjectStore {
  private revision: number;
  private compactedRevision = 0;
  private readonly objects = new Map<ResourceType, Map<string, KubeObject>>();
  private history: StoredEvent[] = [];

  constructor(firstRevision = 100) {
    this.revision = firstRevision;
  }

  currentRevision(): number {
    return this.revision;
  }

  oldestWatchableRevision(): number {
    return this.compactedRevision;
  }

  upsert(resource: ResourceType, input: KubeObject): StoredEvent {
    const bucket = this.bucket(resource);
    const key = keyOf(input.metadata.namespace, input.metadata.name);
    const previous = bucket.get(key);
    const object = structuredClone(input);
    object.apiVersion = resource.apiVersion;
    object.kind = resource.kind;
    object.metadata.uid = previous?.metadata.uid ?? object.metadata.uid ?? randomUUID();
    object.metadata.creationTimestamp ??= previous?.metadata.creationTimestamp ?? new Date().toISOString();
    return this.record(resource, previous === undefined ? 'ADDED' : 'MODIFIED', object, bucket, key);
  }

  remove(resource: ResourceType, namespace: string | undefined, name: string): StoredEvent | undefined {
    const bucket = this.bucket(resource);
    const key = keyOf(namespace, name);
    const previous = bucket.get(key);
    if (previous === undefined) return undefined;
    return this.record(resource, 'DELETED', structuredClone(previous), bucket, key);
  }

  /** Copies of the objects in etcd's key order (`namespace/name`); see page for one LIST page. */
  list(resource: ResourceType, namespace?: string): KubeObject[] {
    return this.page(resource, namespace, undefined, 0).items;
  }

  /**
   * One LIST page: up to `limit` objects (0: all) after the key `after`, in key order, copied, and
   * how many more follow. Only the page is copied: a large list in small pages stays linear.
   */
  page(
    resource: ResourceType,
    namespace: string | undefined,
    after: string | undefined,
    limit: number,
  ): { items: KubeObject[]; remaining: number } {
    const keys = [...this.bucket(resource).entries()]
      .filter(([key, o]) => inNamespace(o, namespace) && (after === undefined || key > after))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const taken = limit > 0 ? keys.slice(0, limit) : keys;
    return { items: taken.map(([, o]) => structuredClone(o)), remaining: keys.length - taken.length };
  }

  get(resource: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.bucket(resource).get(keyOf(namespace, name));
    return found === undefined ? undefined : structuredClone(found);
  }

  /** Events after `since` for one resource type, or 'expired' when that history was compacted. */
  eventsSince(resource: ResourceType, since: number, namespace?: string): StoredEvent[] | 'expired' {
    if (since < this.compactedRevision) return 'expired';
    return this.history.filter(
      (e) => e.resource === resource && e.resourceVersion > since && inNamespace(e.object, namespace),
    );
  }

  /** Forgets all history up to now, like an etcd compaction. */
  compact(): void {
    this.compactedRevision = this.revision;
    this.history = [];
  }

  private bucket(resource: ResourceType): Map<string, KubeObject> {
    let bucket = this.objects.get(resource);
    if (bucket === undefined) {
      bucket = new Map();
      this.objects.set(resource, bucket);
    }
    return bucket;
  }

  private record(
    resource: ResourceType,
    type: StoredEventType,
    object: KubeObject,
    bucket: Map<string, KubeObject>,
    key: string,
  ): StoredEvent {
    this.revision += 1;
    object.metadata.resourceVersion = String(this.revision);
    if (type === 'DELETED') bucket.delete(key);
    else bucket.set(key, object);
    const event: StoredEvent = {
      resourceVersion: this.revision,
      type,
      resource,
      object: structuredClone(object),
    };
    this.history.push(event);
    return event;
  }
}
