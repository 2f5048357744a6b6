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
  /** One object added or modified (watch ADDED / MODIFIED). */
  upsert(kind: WatchedKind, item: unknown, origin: string): void;
  /** One object deleted (watch DELETED); only its metadata namespace/name are needed. */
  remove(kind: WatchedKind, item: unknown, origin: string): void;
}
