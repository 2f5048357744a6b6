import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { SnapshotSink, WatchedKind } from '../../sink.js';
import type { BackoffPolicy } from './backoff.js';
import type { Clock } from './clock.js';
import type { ClusterSourceTiming } from './settings.js';

/**
 * Called when a kind becomes synced or unsynced (and once per kind at start, unsynced), and, until a
 * kind's first LIST, each time it fails with a new message (unsynced, `not listed yet: <error>`).
 */
export type ReadinessCallback = (kind: WatchedKind, synced: boolean, reason: string) => void;

export interface ClusterSourceOptions {
  readonly kubeConfig: KubeConfig;
  readonly sink: SnapshotSink;
  readonly logger: Logger;
  readonly readiness?: ReadinessCallback;
  /** The kinds to watch; all six unless set. */
  readonly kinds?: readonly WatchedKind[];
  /** Passed to the sink with every call; 'cluster' unless set. */
  readonly origin?: string;
  readonly clock?: Clock;
  /** A number in [0, 1) for backoff jitter and watch timeouts; Math.random unless set. */
  readonly random?: () => number;
  readonly backoff?: Partial<BackoffPolicy>;
  /** LIST in pages of this many objects (limit/continue, as client-go's 500); 0 lists all at once. */
  readonly listPageSize?: number;
  readonly timing?: Partial<ClusterSourceTiming>;
}

export interface KindStatus {
  readonly synced: boolean;
  /** The last failure's message (credentials removed), kept after recovery. */
  readonly lastError: string | undefined;
  readonly restarts: number;
  /** Where the next watch resumes; '' before the first LIST and while relisting after 410. */
  readonly resourceVersion: string;
}

export type ClusterSourceStatus = Readonly<Partial<Record<WatchedKind, KindStatus>>>;

export interface ClusterSource {
  /** Stops every informer and waits until no request is left open. Idempotent. */
  stop(): Promise<void>;
  /** True once every kind has synced (and none has since stayed broken). */
  synced(): boolean;
  status(): ClusterSourceStatus;
}
