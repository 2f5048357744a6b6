/** The journal's records and key names (pure: the I/O is in effects/journal.ts, whose header explains them). */

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

export interface VolumeRecord {
  readonly name: string;
  readonly image: string;
  readonly bytes: string;
  readonly fingerprint: string;
  readonly state: RecordState;
  readonly department?: string;
  /** `snapshot:<id>` or `volume:<id>` when created from a source. */
  readonly source?: string;
}

export interface SnapshotRecord {
  readonly name: string;
  /** The source volume's UUID (same pool and namespace) and image. */
  readonly sourceUuid: string;
  readonly sourceImage: string;
  readonly snap: string;
  readonly bytes: string;
  readonly createdAt: string;
  readonly state: RecordState;
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
