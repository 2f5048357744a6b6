/**
 * The CSI journal: what makes CreateVolume/DeleteVolume (and the snapshot RPCs) idempotent.
 *
 * Storage: one RADOS object, `csi.corral.journal`, in each (pool, RADOS namespace) the driver places
 * volumes in, holding omap keys:
 *   vn/<request name>  → <uuid>                       volume name reservation
 *   vu/<uuid>          → JSON VolumeRecord            {name, image, bytes, fingerprint, state, department?, source?}
 *   sn/<request name>  → <uuid>                       snapshot name reservation
 *   su/<uuid>          → JSON SnapshotRecord          {name, sourceUuid, sourceImage, snap, bytes, createdAt, state}
 * The image is named <volumeNamePrefix><uuid>, so a UUID names exactly one image.
 *
 * CreateVolume(name): look up vn/name. Found and state ready → check compatibility, return the same
 * volume. Found and reserved (a previous attempt died between reserve and ready) → resume with that
 * UUID: create the image (EEXIST means the earlier attempt got that far), then mark ready. Not found →
 * reserve: write vn/name and vu/uuid{state: reserved} in ONE atomic omap write, BEFORE creating the
 * image; create the image; write vu/uuid{state: ready}. On a failure after reserving, undo: remove the
 * image (if made) and both keys — unless Ceph is unreachable, when the reservation stays for the retry
 * to resume (the external-provisioner retries until it succeeds).
 *
 * DeleteVolume(id): the ID carries pool, namespace and UUID. Read vu/uuid; absent → already gone
 * (success). Remove the image (ENOENT is fine; snapshots/clones keep it → FAILED_PRECONDITION), then
 * remove vu/uuid and vn/name in one write. A kill between the two leaves the record of a missing image,
 * which the retried delete removes.
 *
 * Snapshots follow the same reserve/act/ready and undo sequence with sn/ and su/.
 */
import {
  JOURNAL_OID,
  KEY,
  parseRecord,
  type SnapshotRecord,
  type VolumeRecord,
} from '../decide/journal-records.js';
import { omapGet, omapList, omapWrite } from './ceph/omap.js';

export class Journal {
  constructor(private readonly ioctx: unknown) {}

  async volumeUuid(name: string): Promise<string | undefined> {
    return omapGet(this.ioctx, JOURNAL_OID, KEY.volumeName(name));
  }

  async volume(uuid: string): Promise<VolumeRecord | undefined> {
    return parseRecord<VolumeRecord>(await omapGet(this.ioctx, JOURNAL_OID, KEY.volume(uuid)));
  }

  /** Writes the name reservation and the record together (atomic). */
  async putVolume(uuid: string, record: VolumeRecord): Promise<void> {
    await omapWrite(this.ioctx, JOURNAL_OID, {
      [KEY.volumeName(record.name)]: uuid,
      [KEY.volume(uuid)]: JSON.stringify(record),
    });
  }

  async removeVolume(uuid: string, name: string | undefined): Promise<void> {
    const keys = [KEY.volume(uuid), ...(name === undefined ? [] : [KEY.volumeName(name)])];
    await omapWrite(this.ioctx, JOURNAL_OID, {}, keys);
  }

  async snapshotUuid(name: string): Promise<string | undefined> {
    return omapGet(this.ioctx, JOURNAL_OID, KEY.snapshotName(name));
  }

  async snapshot(uuid: string): Promise<SnapshotRecord | undefined> {
    return parseRecord<SnapshotRecord>(await omapGet(this.ioctx, JOURNAL_OID, KEY.snapshot(uuid)));
  }

  async putSnapshot(uuid: string, record: SnapshotRecord): Promise<void> {
    await omapWrite(this.ioctx, JOURNAL_OID, {
      [KEY.snapshotName(record.name)]: uuid,
      [KEY.snapshot(uuid)]: JSON.stringify(record),
    });
  }

  async removeSnapshot(uuid: string, name: string | undefined): Promise<void> {
    const keys = [KEY.snapshot(uuid), ...(name === undefined ? [] : [KEY.snapshotName(name)])];
    await omapWrite(this.ioctx, JOURNAL_OID, {}, keys);
  }

  /** Ready volume records in UUID order, after `startAfterUuid`. */
  async listVolumes(startAfterUuid: string, max: number): Promise<{ uuid: string; record: VolumeRecord }[]> {
    const after = startAfterUuid === '' ? '' : KEY.volume(startAfterUuid);
    const page = await omapList(this.ioctx, JOURNAL_OID, KEY.volumePrefix, after, max);
    return recordsOf<VolumeRecord>(page.entries, KEY.volumePrefix);
  }

  async listSnapshots(): Promise<{ uuid: string; record: SnapshotRecord }[]> {
    const page = await omapList(this.ioctx, JOURNAL_OID, KEY.snapshotPrefix, '', 100_000);
    return recordsOf<SnapshotRecord>(page.entries, KEY.snapshotPrefix);
  }
}

function recordsOf<T extends { state: string }>(entries: ReadonlyMap<string, string>, prefix: string) {
  const out: { uuid: string; record: T }[] = [];
  for (const [key, text] of entries) {
    const record = parseRecord<T>(text);
    if (record && record.state === 'ready') out.push({ uuid: key.slice(prefix.length), record });
  }
  return out;
}
