import type { SnapshotStore, WatchedKind } from '@corral/cluster';

/**
 * What a service learns from a snapshot's onApplied announcements (admission settles its
 * reservations by them): every Pod and PersistentVolumeClaim uid seen in the snapshot, and every
 * uid announced removed. However the source reaches the server's state (watch events, or a relist
 * after events were lost), each uid that was visible and is gone must have been announced removed,
 * exactly as the watch events would have announced it, and no uid still visible may have been.
 */
export class AppliedLog {
  /** `kind/key` → the uids seen under that key. */
  private readonly seen = new Map<string, Set<string>>();
  /** `kind/key/uid` of every removal announced. */
  private readonly removed = new Set<string>();

  constructor(private readonly store: SnapshotStore) {
    store.onApplied(({ kind, key, removedUid }) => {
      if (kind !== 'Pod' && kind !== 'PersistentVolumeClaim') return;
      if (removedUid !== undefined) {
        this.removed.add(`${kind}/${key}/${removedUid}`);
        return;
      }
      const uid = this.uidOf(kind, key);
      if (uid === undefined) return;
      const uids = this.seen.get(`${kind}/${key}`) ?? new Set<string>();
      this.seen.set(`${kind}/${key}`, uids.add(uid));
    });
  }

  /** The announcements that went wrong: a uid gone unannounced, or announced removed yet visible. */
  mistakes(): string[] {
    const mistakes: string[] = [];
    for (const [kindKey, uids] of this.seen) {
      const [kind = '', ...rest] = kindKey.split('/');
      const current = this.uidOf(kind as WatchedKind, rest.join('/'));
      for (const uid of uids) {
        const announced = this.removed.has(`${kindKey}/${uid}`);
        if (uid === current && announced) mistakes.push(`${kindKey} ${uid} announced removed, still there`);
        if (uid !== current && !announced) mistakes.push(`${kindKey} ${uid} gone, never announced removed`);
      }
    }
    return mistakes;
  }

  private uidOf(kind: WatchedKind, key: string): string | undefined {
    const [namespace = '', name = ''] = key.split('/');
    return kind === 'Pod' ? this.store.pod(namespace, name)?.uid : this.store.pvc(namespace, name)?.uid;
  }
}
