/** The journal's records and key names (pure: the I/O is in effects/journal.ts, whose header explains them). */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';

export const JOURNAL_OID = 'csi.corral.journal';
export const KEY = {
  volumeName: (name: string) => `vn/${name}`,
  volume: (uuid: string) => `vu/${uuid}`,
  snapshotName: (name: string) => `sn/${name}`,
  snapshot: (uuid: string) => `su/${uuid}`,
  volumePrefix: 'vu/',
  snapshotPrefix: 'su/',
} as const;

export type RecordState = 'reserved' | 'ready';

/**
 * Who works on a reservation, and until when (ms since the epoch, by the holder's clock) nobody else
 * may take it over without proof that the holder died. `until` is compared with the clock only on the
 * holder's own host; another host waits for the lease to stay unchanged for the lease time by its own
 * clock (holderGone). Only `reserved` records carry a lease; a reserved record without
 * one (written before leases existed, or by hand) may be taken over at once.
 */
export interface LeaseHolder {
  /** The attempt (one RPC call). */
  readonly attempt: string;
  /** hostname and PID namespace: where `pid` means something. */
  readonly host: string;
  readonly pid: number;
  /** Random per driver process: tells a restarted process that reuses a PID (a container's 1). */
  readonly boot: string;
  readonly until: number;
}

export interface Lease {
  readonly lease?: LeaseHolder;
}

/** This process, as a lease holder sees it. */
export interface Self {
  readonly host: string;
  readonly pid: number;
  readonly boot: string;
  /** Attempts of this process that are still running. */
  readonly running: ReadonlySet<string>;
  /** Is process `pid` of this host alive (false only when it certainly is not)? */
  readonly pidAlive: (pid: number) => boolean;
}

/**
 * How long a reservation's holder is trusted to be alive: 2 minutes (by the holder's clock on its
 * host; on another host, 2 minutes of that host's own time since it first saw the lease).
 */
export const RESERVATION_LEASE_MS = 120_000;

export interface VolumeRecord extends Lease {
  readonly name: string;
  readonly image: string;
  /** The image's size now (ControllerExpandVolume grows it). */
  readonly bytes: string;
  /**
   * The size CreateVolume made the image with, kept once ControllerExpandVolume grows it (absent:
   * never grown since the driver kept it, so `bytes`): a repeated CreateVolume is judged on it too.
   */
  readonly createdBytes?: string;
  readonly fingerprint: string;
  readonly state: RecordState;
  readonly department?: string;
  /** `snapshot:<id>` or `volume:<id>` when created from a source. */
  readonly source?: string;
  /**
   * Block or mount, when every capability of the CreateVolume that made it agreed (absent in records
   * written before it was kept): a restore or clone of it must be the same (decide/source-filesystem.ts).
   */
  readonly accessType?: 'mount' | 'block';
}

export interface SnapshotRecord extends Lease {
  readonly name: string;
  /** The source volume's UUID (same pool and namespace) and image. */
  readonly sourceUuid: string;
  readonly sourceImage: string;
  readonly snap: string;
  readonly bytes: string;
  readonly createdAt: string;
  readonly state: RecordState;
  /** The source volume's department, when it has one (absent in records written before it was kept). */
  readonly department?: string;
}

/**
 * Given a ready volume's record and the size ControllerExpandVolume gave its image, returns the record
 * to store: the new size, and the size it was created with (`createdBytes`, set at its first growth
 * and kept after), so that a repeat of the CreateVolume that made it is still recognised.
 */
export function grownRecord(record: VolumeRecord, bytes: bigint): VolumeRecord {
  if (BigInt(record.bytes) === bytes) return record;
  return { ...record, bytes: bytes.toString(), createdBytes: record.createdBytes ?? record.bytes };
}

/** Parses a stored record; undefined for anything unreadable (treated as absent, logged by the caller). */
export function parseRecord<T extends object>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Given a record and a holder, returns the record leased to it. */
export function leased<T extends Lease>(record: T, holder: LeaseHolder): T {
  return { ...record, lease: holder };
}

/** Given a record, returns it without its lease (what a `ready` record stores). */
export function unleased<T extends Lease>(record: T): T {
  const { lease: _dropped, ...rest } = record;
  return rest as T;
}

const isHolder = (v: unknown): v is LeaseHolder => {
  const h = v as Partial<LeaseHolder> | null;
  return (
    typeof h === 'object' &&
    h !== null &&
    typeof h.attempt === 'string' &&
    typeof h.host === 'string' &&
    typeof h.boot === 'string' &&
    typeof h.pid === 'number' &&
    typeof h.until === 'number'
  );
};

/**
 * How long this process has watched a lease of another host stay unchanged, by its OWN clock: the
 * holder's `until` was computed with the holder's clock, which may be skewed from ours.
 */
export interface ForeignSighting {
  /** When (this process's clock, ms) it first saw this exact lease (attempt and until). */
  readonly since: number;
  /** How long it must stay unchanged before its holder counts as gone. */
  readonly waitMs: number;
}

/** Is the lease held on another host (or in another PID namespace) than this process? */
export function isForeignLease(lease: unknown, self: Self): lease is LeaseHolder {
  return isHolder(lease) && lease.host !== self.host;
}

/**
 * Given a lease, this process, the time and (for a lease of another host) since when this process has
 * seen it unchanged: is its holder certainly gone? Yes when the lease is missing or unreadable. On
 * another host, only once this process has seen the same lease for `waitMs` of its own time (its
 * `until` is the holder's clock, not comparable with ours); without a sighting, no. On this host
 * (same hostname and PID namespace, hence the same clock) when the lease ran out, when the holder was
 * this process and its attempt ended, when it was an earlier process with this PID, or when its PID
 * is not alive.
 */
export function holderGone(lease: unknown, self: Self, now: number, foreign?: ForeignSighting): boolean {
  if (!isHolder(lease) || !Number.isFinite(lease.until)) return true;
  if (lease.host !== self.host) return foreign !== undefined && now - foreign.since >= foreign.waitMs;
  if (lease.until <= now) return true;
  if (lease.boot === self.boot) return !self.running.has(lease.attempt);
  if (lease.pid === self.pid) return true;
  return !self.pidAlive(lease.pid);
}

/** When a retry may resume a reservation whose holder is presumed at work, as a person reads it. */
function resumableAfter(lease: LeaseHolder | undefined, now: number, foreign?: ForeignSighting): string {
  if (foreign) {
    const at = new Date(foreign.since + foreign.waitMs).toISOString();
    return `once it has stayed unchanged for ${Math.round(foreign.waitMs / 1000)} s by this replica's clock (${at})`;
  }
  return `after ${new Date(lease?.until ?? now).toISOString()}`;
}

/**
 * Given the record a reservation's name points to (as read just now), this process, the time and the
 * sighting of a foreign lease (see holderGone), may this attempt take the reservation over and resume it? Only a `reserved` record whose holder is
 * gone; otherwise the holder is presumed at work, and the answer is ABORTED (retry later), as the CSI
 * spec allows for an operation pending on the same name.
 */
export function takeOverDecision(
  what: string,
  record: ({ readonly state?: unknown } & Lease) | undefined,
  self: Self,
  now: number,
  foreign?: ForeignSighting,
): Decision<'take-over'> {
  const rule = 'journal-reservation';
  if (record === undefined) {
    return fail(rule, CSI_ERR.OPERATION_PENDING, `${what} changed while this call read it: retry`);
  }
  if (record.state !== 'reserved') {
    return fail(rule, CSI_ERR.OPERATION_PENDING, `${what} was completed by another call: retry`);
  }
  if (!holderGone(record.lease, self, now, foreign)) {
    return fail(
      rule,
      CSI_ERR.OPERATION_PENDING,
      `${what} is being created by another call (on ${record.lease?.host ?? 'another host'}, perhaps ` +
        `another controller replica): retry later (if that call died, a retry resumes it ` +
        `${resumableAfter(record.lease, now, foreign)})`,
    );
  }
  return pass(rule, 'take-over');
}

/**
 * Given the exact text an attempt last wrote to its reservation and the attempt's lease as of now,
 * returns the renewed text (the same record, leased again with the new `until`), or undefined when
 * that text is not a reserved record leased to this same attempt (nothing to renew: never re-lease
 * another attempt's record, or a completed one).
 */
export function renewedLease(heldText: string, holder: LeaseHolder): string | undefined {
  const record = parseRecord<Lease & { readonly state?: unknown }>(heldText);
  if (record?.state !== 'reserved' || !isHolder(record.lease)) return undefined;
  if (record.lease.attempt !== holder.attempt) return undefined;
  return JSON.stringify(leased(record, holder));
}

/** What the cleanup of a failed create may do. */
export type CleanupStep = 'keep-for-retry' | 'leave-to-new-holder' | 'remove';

/**
 * Given whether a create failed because Ceph was unreachable and, if not, whether renewing its lease
 * just succeeded: what may its cleanup do? Unreachable: nothing can be undone, the reservation stays
 * for the retry to resume (which finds and completes the same image or snapshot, never a second
 * one). Renewal lost: another attempt took the reservation over and owns what was made; removing it
 * would destroy the new holder's volume. Renewed: this attempt is still the holder for a full lease,
 * so it removes what it made, then its reservation.
 */
export function cleanupDecision(unreachable: boolean, renewed: boolean): Decision<CleanupStep> {
  const rule = 'journal-cleanup';
  if (unreachable) return pass(rule, 'keep-for-retry');
  if (!renewed) return pass(rule, 'leave-to-new-holder');
  return pass(rule, 'remove');
}
