/**
 * Which object a quota reservation holds room for: `<Kind>/<namespace>/<name>/<uid>`. The uid tells an
 * object from an earlier or a rival one of the same name. Two CREATEs of one name are two objects
 * until the API server has refused one of them as AlreadyExists, and a pod recreated under its old
 * name is a new object while the snapshot still shows the old one. kube-apiserver sets
 * `metadata.uid` before the validating webhooks run, so every real CREATE has one. Without a uid
 * (`corral check`, hand-made reviews) the key is `<Kind>/<namespace>/<name>`, the name alone.
 * Names and namespaces never contain `/`, so the parts read back by position.
 */
import type { ClusterSnapshot } from '@corral/cluster';

export type ReservedKind = 'Pod' | 'PersistentVolumeClaim';

export interface ReservationKey {
  readonly kind: ReservedKind;
  readonly namespace: string;
  readonly name: string;
  /** Absent: any object of that name. */
  readonly uid?: string;
}

export function reservationKey({ kind, namespace, name, uid }: ReservationKey): string {
  const base = `${kind}/${namespace}/${name}`;
  return uid === undefined || uid === '' ? base : `${base}/${uid}`;
}

/**
 * The parts of a key `reservationKey` wrote, or undefined for any other text. Read by position (asked
 * on every reservation and every settle), not split.
 */
export function parseReservationKey(key: string): ReservationKey | undefined {
  const kindEnd = key.indexOf('/');
  const namespaceEnd = kindEnd < 0 ? -1 : key.indexOf('/', kindEnd + 1);
  if (namespaceEnd < 0) return undefined;
  const nameEnd = key.indexOf('/', namespaceEnd + 1);
  if (nameEnd >= 0 && key.indexOf('/', nameEnd + 1) >= 0) return undefined;
  const kind = key.slice(0, kindEnd);
  const namespace = key.slice(kindEnd + 1, namespaceEnd);
  const name = key.slice(namespaceEnd + 1, nameEnd < 0 ? undefined : nameEnd);
  if ((kind !== 'Pod' && kind !== 'PersistentVolumeClaim') || namespace === '' || name === '')
    return undefined;
  if (nameEnd < 0) return { kind, namespace, name };
  const uid = key.slice(nameEnd + 1);
  return uid === '' ? undefined : { kind, namespace, name, uid };
}

/** The snapshot's object of the key's kind, namespace and name (whatever its uid), if any. */
export function storedObjectOf(
  view: Pick<ClusterSnapshot, 'pod' | 'pvc'>,
  { kind, namespace, name }: Omit<ReservationKey, 'uid'>,
): { readonly uid: string } | undefined {
  return kind === 'Pod' ? view.pod(namespace, name) : view.pvc(namespace, name);
}

/**
 * Does `stored` (the snapshot's object of the key's name, with its uid) stand for the keyed object?
 * A key without a uid matches any object of its name.
 */
export function keyMatches(key: ReservationKey, stored: { readonly uid: string } | undefined): boolean {
  if (stored === undefined) return false;
  return key.uid === undefined || stored.uid === key.uid;
}
