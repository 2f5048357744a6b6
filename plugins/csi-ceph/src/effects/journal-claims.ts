/**
 * Compare-and-set reservations in the journal object (the sequences are in journal.ts's header). One
 * `Claims` belongs to one attempt (one RPC): it remembers the exact text of every record it reserved
 * or took over, and every later write of that record is guarded by that text still being there.
 */
import { randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  isForeignLease,
  JOURNAL_OID,
  leased,
  parseRecord,
  renewedLease,
  takeOverDecision,
  unleased,
  type ForeignSighting,
  type Lease,
  type LeaseHolder,
  type RecordState,
  type Self,
} from '../decide/journal-records.js';
import { LeaseSightings } from '../decide/lease-sightings.js';
import { CSI_ERR, csiError } from '../errors.js';
import { omapGet, omapWriteIf } from './ceph/omap.js';

/** The keys of one kind of record: `vn/`+`vu/` (volumes) or `sn/`+`su/` (snapshots). */
export interface RecordKeys {
  readonly label: 'volume' | 'snapshot';
  readonly nameKey: (name: string) => string;
  readonly recordKey: (uuid: string) => string;
}

export interface ClaimOptions {
  /** Wall clock, ms since the epoch (injectable for tests). */
  readonly now?: () => number;
  readonly leaseMs?: number;
  /** This process as lease holders see it (injectable for tests). */
  readonly self?: Self;
  /** Foreign leases this process has watched (injectable for tests; default: one per process). */
  readonly sightings?: LeaseSightings;
}

type Reservable = Lease & { readonly name: string; readonly state: RecordState };

/** hostname plus PID namespace: two processes agree on it only when their PIDs are comparable. */
function hostIdentity(): string {
  let pidNamespace = '';
  try {
    pidNamespace = readlinkSync('/proc/self/ns/pid');
  } catch {
    pidNamespace = `unknown-${randomUUID()}`; // PIDs cannot be compared: trust leases only
  }
  return `${hostname()}/${pidNamespace}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

const running = new Set<string>();
const PROCESS: Self = { host: hostIdentity(), pid: process.pid, boot: randomUUID(), running, pidAlive };
/** Shared by every attempt of this process: a foreign lease's wait runs across retries. */
const SIGHTINGS = new LeaseSightings();

const lostTo = (label: string, name: string) =>
  csiError(
    CSI_ERR.OPERATION_PENDING,
    `${label} "${name}" was taken over by another call, which found this one's reservation abandoned: retry`,
  );

export class Claims {
  /** This attempt's ID, written into the leases it takes. */
  readonly attempt = randomUUID();
  /** record key → the exact text this attempt wrote there. */
  private readonly held = new Map<string, string>();
  /** The record keys this attempt is still working on: it counts as running while any is. */
  private readonly working = new Set<string>();
  /** The guarded writes of this attempt, one at a time: each is guarded by the text the last one wrote. */
  private writes: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly leaseMs: number;
  private readonly self: Self;
  private readonly sightings: LeaseSightings;

  constructor(
    private readonly ioctx: unknown,
    options: ClaimOptions,
    defaultLeaseMs: number,
  ) {
    this.now = options.now ?? Date.now;
    this.leaseMs = options.leaseMs ?? defaultLeaseMs;
    this.self = options.self ?? PROCESS;
    this.sightings = options.sightings ?? SIGHTINGS;
  }

  private holder(): LeaseHolder {
    const { host, pid, boot } = this.self;
    return { attempt: this.attempt, host, pid, boot, until: this.now() + this.leaseMs };
  }

  /** Runs `write` after this attempt's earlier guarded writes settled (a renewal racing a step's own). */
  private serial<T>(write: () => Promise<T>): Promise<T> {
    const next = this.writes.then(write, write);
    this.writes = next.catch(() => undefined);
    return next;
  }

  private hold(recordKey: string, text: string): void {
    this.held.set(recordKey, text);
    this.working.add(recordKey);
    (this.self.running as Set<string>).add(this.attempt);
  }

  /**
   * Ends this attempt's work on a record; the attempt stops counting as running once it works on no
   * other record. The record's text stays the guard of any later write unless the record was
   * completed (ready or undone): a lost reservation can never be written unguarded.
   */
  private drop(recordKey: string, completed = false): void {
    if (completed) this.held.delete(recordKey);
    this.working.delete(recordKey);
    if (this.working.size === 0) (this.self.running as Set<string>).delete(this.attempt);
  }

  /**
   * Reserves `name` for `uuid` in one write that asserts the name is still unreserved. Returns false
   * when another attempt reserved the name first (nothing written): the caller follows the winner.
   */
  async reserve(keys: RecordKeys, uuid: string, record: Reservable): Promise<boolean> {
    const text = JSON.stringify(leased(record, this.holder()));
    const nameKey = keys.nameKey(record.name);
    const recordKey = keys.recordKey(uuid);
    const set = { [nameKey]: uuid, [recordKey]: text };
    // Marked running before the write: a look-up in this process must never see it abandoned.
    this.hold(recordKey, text);
    let won = false;
    try {
      won = await omapWriteIf(this.ioctx, JOURNAL_OID, { [nameKey]: '', [recordKey]: '' }, set);
      if (!won) won = await this.replaceDangling(keys, nameKey, recordKey, set);
    } finally {
      // Lost, or a write or the fallback read threw: this attempt does not work on it.
      if (!won) this.drop(recordKey);
    }
    return won;
  }

  /**
   * A name left pointing at a record that no longer exists (nothing this driver writes, but a
   * hand-edited journal) is free: replace it, asserting it still points there.
   */
  private async replaceDangling(
    keys: RecordKeys,
    nameKey: string,
    recordKey: string,
    set: Record<string, string>,
  ): Promise<boolean> {
    const dangling = await omapGet(this.ioctx, JOURNAL_OID, nameKey);
    if (dangling === undefined) return false;
    const target = keys.recordKey(dangling);
    if ((await omapGet(this.ioctx, JOURNAL_OID, target)) !== undefined) return false;
    const expect = { [nameKey]: dangling, [target]: '', [recordKey]: '' };
    return omapWriteIf(this.ioctx, JOURNAL_OID, expect, set);
  }

  /**
   * The lease of a reserved record held on another host, as this process has watched it (since when,
   * by its own clock); for anything else the key is forgotten and the answer is undefined.
   */
  private sighting(recordKey: string, record: Reservable | undefined, now: number) {
    if (record?.state === 'reserved' && isForeignLease(record.lease, this.self)) {
      return this.sightings.sight(recordKey, record.lease, now, this.leaseMs);
    }
    this.sightings.forget(recordKey);
    return undefined;
  }

  /**
   * Takes over a `reserved` record whose holder is gone, so that this attempt may resume it; ABORTED
   * while the holder may be at work, or when another attempt took it over first.
   */
  async takeOver(keys: RecordKeys, uuid: string, name: string): Promise<void> {
    const recordKey = keys.recordKey(uuid);
    const current = await omapGet(this.ioctx, JOURNAL_OID, recordKey);
    const record = parseRecord<Reservable>(current);
    const now = this.now();
    const foreign: ForeignSighting | undefined = this.sighting(recordKey, record, now);
    const verdict = takeOverDecision(`${keys.label} "${name}"`, record, this.self, now, foreign);
    if (verdict.status === 'fail') {
      throw csiError(verdict.code, verdict.message, { details: { rule: verdict.rule } });
    }
    const text = JSON.stringify(leased(record as Reservable, this.holder()));
    this.hold(recordKey, text);
    const won = await omapWriteIf(
      this.ioctx,
      JOURNAL_OID,
      { [recordKey]: current ?? '' },
      { [recordKey]: text },
    ).catch((err: unknown) => {
      this.drop(recordKey);
      throw err;
    });
    // Taken over (by this attempt or, when the write lost, another): the watched lease is history.
    this.sightings.forget(recordKey);
    if (!won) {
      this.drop(recordKey);
      throw lostTo(keys.label, name);
    }
  }

  /**
   * Writes the record `ready` (lease dropped). When this attempt holds the reservation, only while it
   * still does: ABORTED if another attempt took it over meanwhile.
   */
  markReady<T extends Reservable>(keys: RecordKeys, uuid: string, record: T): Promise<void> {
    return this.serial(() => this.writeReady(keys, uuid, record));
  }

  private async writeReady<T extends Reservable>(keys: RecordKeys, uuid: string, record: T): Promise<void> {
    const recordKey = keys.recordKey(uuid);
    const text = JSON.stringify(unleased({ ...record, state: 'ready' }));
    const held = this.held.get(recordKey);
    const set = { [keys.nameKey(record.name)]: uuid, [recordKey]: text };
    let won = false;
    try {
      won = await omapWriteIf(this.ioctx, JOURNAL_OID, held ? { [recordKey]: held } : {}, set);
    } finally {
      this.drop(recordKey, won);
    }
    if (!won) throw lostTo(keys.label, record.name);
  }

  /**
   * Ends this attempt without touching the journal (Ceph unreachable: the reservation stays for a
   * retry, which in this process may resume it at once; other hosts wait for the lease).
   */
  abandon(): void {
    for (const key of [...this.working]) this.drop(key);
  }

  /**
   * Renews this attempt's lease on the reservation of `uuid`: one write of the same record with a new
   * `until`, guarded by the text this attempt last wrote. True while it still holds it; false (the
   * attempt stops working on it, nothing written) when another attempt took it over, or it holds none.
   * Called before each destructive or long step, so that no take-over can land between "still mine"
   * and the step (the lease then runs a full lease time from the step's start).
   */
  renew(keys: RecordKeys, uuid: string): Promise<boolean> {
    return this.serial(() => this.writeRenewal(keys, uuid));
  }

  private async writeRenewal(keys: RecordKeys, uuid: string): Promise<boolean> {
    const recordKey = keys.recordKey(uuid);
    const held = this.held.get(recordKey);
    const text = held === undefined ? undefined : renewedLease(held, this.holder());
    if (held === undefined || text === undefined) {
      this.drop(recordKey);
      return false;
    }
    let won = false;
    try {
      won = await omapWriteIf(this.ioctx, JOURNAL_OID, { [recordKey]: held }, { [recordKey]: text });
    } finally {
      if (won) this.held.set(recordKey, text);
      else this.drop(recordKey);
    }
    return won;
  }

  /**
   * Keeps renewing the lease on `uuid`'s reservation every quarter lease while this attempt works on
   * it, so that a step longer than the lease (rbd_remove of a large image without object-map deletes
   * every object) never lets another attempt take over and resume what this one is still changing.
   * Stops at the first lost renewal; renewals that fail (Ceph unreachable) are retried at the next
   * tick. `stop()` ends it and waits for a renewal in flight.
   */
  keepAlive(keys: RecordKeys, uuid: string): { stop(): Promise<void> } {
    let inFlight: Promise<unknown> = Promise.resolve();
    const timer = setInterval(
      () => {
        inFlight = this.serial(async () => {
          const recordKey = keys.recordKey(uuid);
          if (!this.working.has(recordKey)) return;
          const held = this.held.get(recordKey);
          const text = held === undefined ? undefined : renewedLease(held, this.holder());
          if (held === undefined || text === undefined) return;
          if (await omapWriteIf(this.ioctx, JOURNAL_OID, { [recordKey]: held }, { [recordKey]: text }))
            this.held.set(recordKey, text);
          else clearInterval(timer);
        }).catch(() => undefined);
      },
      Math.max(1, Math.floor(this.leaseMs / 4)),
    );
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await inFlight;
      },
    };
  }

  /** As `renew`, but ABORTED (the reservation was taken over: the new holder resumes it) when lost. */
  async mustRenew(keys: RecordKeys, uuid: string, name: string): Promise<void> {
    if (!(await this.renew(keys, uuid))) throw lostTo(keys.label, name);
  }

  /**
   * Removes the record and its name (undo of a failed create). When this attempt holds the
   * reservation, only while it still does: returns false, removing nothing, if it was taken over.
   */
  release(keys: RecordKeys, uuid: string, name: string): Promise<boolean> {
    return this.serial(() => this.writeRelease(keys, uuid, name));
  }

  private async writeRelease(keys: RecordKeys, uuid: string, name: string): Promise<boolean> {
    const recordKey = keys.recordKey(uuid);
    const nameKey = keys.nameKey(name);
    const held = this.held.get(recordKey);
    const expect = held ? { [recordKey]: held, [nameKey]: uuid } : {};
    let done = false;
    try {
      done = await omapWriteIf(this.ioctx, JOURNAL_OID, expect, {}, [recordKey, nameKey]);
    } finally {
      this.drop(recordKey, done);
    }
    return done;
  }
}
