/** One paged list being applied; see SnapshotSink.beginReplace. */
export interface ReplaceSession {
  /** Applies a page's objects (each as an upsert) and remembers their names. */
  page(items: readonly unknown[]): void;
  /** The list is complete: removes the objects of the kind that no page named. */
  end(): void;
}

/**
 * What a source (YAML files or cluster informers) feeds the snapshot with. Items are Kubernetes
 * objects as plain JSON, the way kube-apiserver serves them; timestamps may arrive as strings or,
 * from @kubernetes/client-node's deserializer, as Date objects. The snapshot validates and indexes
 * them; a source never decides anything.
 */
export const WATCHED_KINDS = [
  'Node',
  'Namespace',
  'Pod',
  'PersistentVolumeClaim',
  'Department',
  'NamespacePolicy',
] as const;

export type WatchedKind = (typeof WATCHED_KINDS)[number];

export interface SnapshotSink {
  /** Every object of a kind, after a list or relist: objects absent from `items` are removed. */
  replaceAll(kind: WatchedKind, items: readonly unknown[], origin: string): void;
  /**
   * Optional: the same as replaceAll, for a list that arrives in pages (LIST with limit/continue), so
   * that no one holds a whole large list at once. A sink without it gets replaceAll with every page.
   */
  beginReplace?(kind: WatchedKind, origin: string): ReplaceSession;
  /** One object added or modified (watch ADDED / MODIFIED). */
  upsert(kind: WatchedKind, item: unknown, origin: string): void;
  /** One object deleted (watch DELETED); only its metadata namespace/name are needed. */
  remove(kind: WatchedKind, item: unknown, origin: string): void;
}
