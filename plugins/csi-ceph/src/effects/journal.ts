/**
 * The CSI journal: what makes CreateVolume/DeleteVolume (and the snapshot RPCs) idempotent, also when
 * two controller replicas serve the same name at once (the provisioner and snapshotter sidecars elect
 * leaders separately, so a leader handover can run one CreateVolume on two replicas).
 *
 * Storage: one RADOS object, `csi.corral.journal`, in each (pool, RADOS namespace) the driver places
 * volumes in, holding omap keys:
 *   vn/<request name>  → <uuid>                       volume name reservation
 *   vu/<uuid>          → JSON VolumeRecord            {name, image, bytes, createdBytes?, fingerprint, state, department?, source?, accessType?}
 *   sn/<request name>  → <uuid>                       snapshot name reservation
 *   su/<uuid>          → JSON SnapshotRecord          {name, sourceUuid, sourceImage, snap, bytes, createdAt, state, department?}
 * A `reserved` record also carries its lease: {attempt, host, pid, boot, until} (decide/journal-records.ts;
 * `until` is the holder's clock: another host instead waits until it has seen the same lease for the
 * lease time by its own clock).
 * The image is named <volumeNamePrefix><uuid>, so a UUID names exactly one image.
 *
 * Every write that claims something is ONE RADOS write op guarded by omap comparisons (the OSD runs
 * the comparisons and the writes atomically; effects/ceph/omap.ts, journal-claims.ts):
 *   reserve   : assert vn/name absent (and vu/uuid absent); set vn/name=uuid, vu/uuid={reserved, lease}.
 *   take over : assert vu/uuid still holds the text just read (a reserved record whose holder is
 *               gone, or that has none); set vu/uuid={same, new lease}.
 *   renew     : assert vu/uuid still holds this attempt's text; set vu/uuid={same, lease with a new
 *               until} (before each destructive or long step: the undo's removal, clone, resize; and
 *               every quarter lease while a CreateVolume runs, so no step outlasts it: keepAlive).
 *   ready     : assert vu/uuid still holds this attempt's text; set vu/uuid={ready, no lease}.
 *   undo      : assert vu/uuid holds this attempt's text and vn/name=uuid; remove both.
 *   expand    : assert vu/uuid still holds the ready text read; set vu/uuid={same, new bytes, and
 *               createdBytes: the size before the first growth} (so a DeleteVolume on another
 *               replica meanwhile is never undone by writing it back).
 *   delete    : assert vn/name=uuid; remove vu/uuid and vn/name. Failed (the name was re-pointed):
 *               remove vu/uuid alone.
 *
 * CreateVolume(name): look up vn/name. Found and ready → check compatibility (decide/repeat-create.ts:
 * parameters, source, and the size it was created with or has now), return the same volume.
 * Found and reserved → if its lease still runs, another attempt (on this or another replica) is
 * working on it: ABORTED, retry later; if the lease ran out (the attempt died between reserve and
 * ready) → take it over and resume with that UUID: create the image (EEXIST means the earlier attempt
 * got that far), then mark ready. Not found → reserve, BEFORE creating the image; a reserve that loses
 * (another replica reserved the name since the look-up) writes nothing and re-reads: the winner's
 * volume when it is ready already (after the compatibility check), ABORTED while it is in flight.
 * Then create the image; mark ready. On a failure after reserving, undo: remove the image (if made)
 * and both keys — unless Ceph is unreachable, when the reservation stays for the retry to resume once
 * its lease runs out (the external-provisioner retries until it succeeds). The undo removes anything
 * only after renewing its lease (a guarded write): an attempt whose lease ran out and was taken over
 * fails that renewal (or its ready write) with ABORTED and leaves the volume to the new owner.
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
  RESERVATION_LEASE_MS,
  type SnapshotRecord,
  type VolumeRecord,
} from '../decide/journal-records.js';
import { omapGet, omapList, omapWrite, omapWriteIf } from './ceph/omap.js';
import { Claims, type ClaimOptions, type RecordKeys } from './journal-claims.js';

const VOLUMES: RecordKeys = { label: 'volume', nameKey: KEY.volumeName, recordKey: KEY.volume };
const SNAPSHOTS: RecordKeys = { label: 'snapshot', nameKey: KEY.snapshotName, recordKey: KEY.snapshot };

export type JournalOptions = ClaimOptions;

/** One attempt's view of one journal object (make one per RPC: it remembers what it reserved). */
export class Journal {
  private readonly claims: Claims;
  /** uuid → the volume record text this attempt last read (the guard of updateVolume). */
  private readonly read = new Map<string, string>();

  constructor(
    private readonly ioctx: unknown,
    options: JournalOptions = {},
  ) {
    this.claims = new Claims(ioctx, options, RESERVATION_LEASE_MS);
  }

  /** Reserves the name (compare-and-set); false when another attempt holds it already. */
  reserveVolume(uuid: string, record: VolumeRecord): Promise<boolean> {
    return this.claims.reserve(VOLUMES, uuid, record);
  }

  /** Takes over a reserved volume whose lease ran out, to resume it; ABORTED while it is held. */
  claimVolume(uuid: string, name: string): Promise<void> {
    return this.claims.takeOver(VOLUMES, uuid, name);
  }

  /** Marks the volume ready (guarded by this attempt's reservation when it holds one). */
  markVolumeReady(uuid: string, record: VolumeRecord): Promise<void> {
    return this.claims.markReady(VOLUMES, uuid, record);
  }

  /** Undoes this attempt's reservation; false (nothing removed) if another attempt took it over. */
  releaseVolume(uuid: string, name: string): Promise<boolean> {
    return this.claims.release(VOLUMES, uuid, name);
  }

  /**
   * Renews this attempt's lease on the volume's reservation; false (nothing written) when another
   * attempt took it over. Before a destructive step (the undo's image removal) only a true answer
   * allows it.
   */
  renewVolume(uuid: string): Promise<boolean> {
    return this.claims.renew(VOLUMES, uuid);
  }

  /** Renews the lease every quarter lease until `stop()` (this attempt's whole create and undo). */
  keepVolumeAlive(uuid: string): { stop(): Promise<void> } {
    return this.claims.keepAlive(VOLUMES, uuid);
  }

  /** Renews the lease before a long step (clone, resize); ABORTED when the reservation was lost. */
  keepVolume(uuid: string, name: string): Promise<void> {
    return this.claims.mustRenew(VOLUMES, uuid, name);
  }

  /** Ends this attempt leaving its reservations in place (Ceph unreachable: a retry resumes them). */
  abandon(): void {
    this.claims.abandon();
  }

  reserveSnapshot(uuid: string, record: SnapshotRecord): Promise<boolean> {
    return this.claims.reserve(SNAPSHOTS, uuid, record);
  }

  claimSnapshot(uuid: string, name: string): Promise<void> {
    return this.claims.takeOver(SNAPSHOTS, uuid, name);
  }

  markSnapshotReady(uuid: string, record: SnapshotRecord): Promise<void> {
    return this.claims.markReady(SNAPSHOTS, uuid, record);
  }

  /** As renewVolume, for a snapshot's reservation. */
  renewSnapshot(uuid: string): Promise<boolean> {
    return this.claims.renew(SNAPSHOTS, uuid);
  }

  releaseSnapshot(uuid: string, name: string): Promise<boolean> {
    return this.claims.release(SNAPSHOTS, uuid, name);
  }

  async volumeUuid(name: string): Promise<string | undefined> {
    return omapGet(this.ioctx, JOURNAL_OID, KEY.volumeName(name));
  }

  async volume(uuid: string): Promise<VolumeRecord | undefined> {
    const text = await omapGet(this.ioctx, JOURNAL_OID, KEY.volume(uuid));
    if (text === undefined) this.read.delete(uuid);
    else this.read.set(uuid, text);
    return parseRecord<VolumeRecord>(text);
  }

  /**
   * Rewrites a ready volume's record (e.g. its size) only while it still holds exactly what this
   * attempt read (`volume`): false, writing nothing, when it changed or was removed since (a
   * DeleteVolume on another replica), so that a removed volume is never written back.
   */
  async updateVolume(uuid: string, record: VolumeRecord): Promise<boolean> {
    const read = this.read.get(uuid);
    if (read === undefined) return false;
    const text = JSON.stringify(record);
    const won = await omapWriteIf(
      this.ioctx,
      JOURNAL_OID,
      { [KEY.volume(uuid)]: read },
      { [KEY.volume(uuid)]: text },
    );
    if (won) this.read.set(uuid, text);
    return won;
  }

  /** Writes the name and the record together, unguarded (tests, and a hand-made journal). */
  async putVolume(uuid: string, record: VolumeRecord): Promise<void> {
    await omapWrite(this.ioctx, JOURNAL_OID, {
      [KEY.volumeName(record.name)]: uuid,
      [KEY.volume(uuid)]: JSON.stringify(record),
    });
  }

  /** Removes the volume's record, and its name key while that still names this volume (removeRecord). */
  async removeVolume(uuid: string, name: string | undefined): Promise<void> {
    await this.removeRecord(VOLUMES, uuid, name);
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

  /** As removeVolume, for a snapshot's record and name key. */
  async removeSnapshot(uuid: string, name: string | undefined): Promise<void> {
    await this.removeRecord(SNAPSHOTS, uuid, name);
  }

  /**
   * Removes record `uuid` and, in the same write op, its name key, guarded by the name key still
   * mapping to `uuid`: a name re-pointed meanwhile (re-used for another volume or snapshot, e.g. after a
   * crash mid-delete) keeps its key. When the guard fails, or there is no name, only the record goes.
   */
  private async removeRecord(keys: RecordKeys, uuid: string, name: string | undefined): Promise<void> {
    const recordKey = keys.recordKey(uuid);
    if (name !== undefined) {
      const nameKey = keys.nameKey(name);
      if (await omapWriteIf(this.ioctx, JOURNAL_OID, { [nameKey]: uuid }, {}, [recordKey, nameKey])) return;
    }
    await omapWrite(this.ioctx, JOURNAL_OID, {}, [recordKey]);
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
