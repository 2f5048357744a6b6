import type { ClusterSnapshot } from '@corral/cluster';
import {
  createLeaderElector,
  leaseApiFrom,
  type LeaderElectionOptions,
  type LeaderElector,
} from '@corral/runtime';
import type { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { conditionTime, statusFingerprint } from '../decide/policy-status-condition.js';
import { statusKey, type PolicyStatusUpdate } from '../decide/policy-status-target.js';
import { policyStatusKeys, stalePolicyStatuses } from '../decide/policy-status.js';

type StatusApi = Pick<
  CustomObjectsApi,
  'patchClusterCustomObjectStatus' | 'patchNamespacedCustomObjectStatus'
>;

/** The resource of each kind whose status Corral writes. */
const PLURALS = { Department: 'departments', NamespacePolicy: 'namespacepolicies' } as const;

export interface PolicyStatusWriterOptions {
  readonly snapshot: ClusterSnapshot;
  readonly api: StatusApi;
  readonly logger: Logger;
  /** Coalesce snapshot changes for this long before writing. Default 5 s. */
  readonly delayMs?: number;
  /**
   * Write only while this says so: with several replicas, the holder of the status-writer Lease
   * (@corral/runtime's leader election). Absent: always (one replica, tests).
   */
  readonly isLeader?: () => boolean;
  /** After a failed write, try again this long later (doubling up to 8×) even if nothing changes. Default 30 s. */
  readonly retryMs?: number;
  /**
   * True once every kind of the snapshot's source has synced (the cluster source's `synced()`).
   * Nothing is written before: a snapshot that has listed Departments but not yet the Pods would
   * write `used: {}`, one that has not listed the Namespaces would miss their NamespacePolicies.
   * Absent: always (files, tests).
   */
  readonly synced?: () => boolean;
  /** The clock of the conditions' lastTransitionTime (tests). Default: the system clock. */
  readonly now?: () => Date;
}

export interface PolicyStatusWriter {
  /** Writes every stale status now; resolves when done. */
  flush(): Promise<void>;
  /**
   * Writes nothing from now on: no retry, no next write of a batch in flight (the write in flight may
   * still land).
   */
  stop(): void;
}

/** Per object (statusKey): the status last written and the resourceVersion of the copy it came from. */
type WrittenStatuses = Map<string, { readonly status: string; readonly resourceVersion: string | undefined }>;

/**
 * Given what was written before, tells whether writing `status` for the object would repeat a write
 * the snapshot has not caught up with: same status, computed from the same copy (resourceVersion) of
 * the object. A copy that never shows the write (an edit the snapshot rejects keeps the last valid
 * copy) would otherwise be rewritten on every snapshot change.
 */
function repeatsLastWrite(
  written: WrittenStatuses,
  key: string,
  status: string,
  resourceVersion: string | undefined,
): boolean {
  const last = written.get(key);
  return last !== undefined && last.status === status && last.resourceVersion === resourceVersion;
}

/** Writes one status through the object's status subresource: one JSON Patch replacing `/status`. */
async function patchStatus(api: StatusApi, update: PolicyStatusUpdate): Promise<void> {
  const target = {
    group: 'corral.dev',
    version: 'v1alpha1',
    plural: PLURALS[update.kind],
    name: update.name,
  };
  const body = [{ op: 'add', path: '/status', value: update.status }];
  if (update.namespace === undefined) await api.patchClusterCustomObjectStatus({ ...target, body });
  else await api.patchNamespacedCustomObjectStatus({ ...target, namespace: update.namespace, body });
}

/**
 * Keeps the `Valid` condition and `status.observedGeneration` of every Department and NamespacePolicy
 * current, and a Department's `status.namespaces` and `status.used` (DESIGN.md, docs/adr/0016):
 * after snapshot changes and policy refusals (coalesced), writes each stale status through the
 * object's status subresource with a JSON Patch. Nothing is written until the source has synced (`synced`; checked again every
 * `delayMs` until then), and a status already written for the same copy of the object is not written
 * again. With several replicas only the leader writes (`isLeader`; docs/adr/0016): replicas whose
 * snapshots lag by different amounts would otherwise overwrite each other's counts back and forth.
 * The caller flushes when a replica becomes leader, so a change seen while following is not lost. A
 * write already in flight when leadership is lost may still land; it carries the same kind of value
 * the new leader writes next. A failed write is logged and retried on the next change or after
 * `retryMs` (backing off), whichever comes first. The snapshot's own copy of the object shows the
 * write once the watch delivers it.
 */
export function startPolicyStatusWriter(options: PolicyStatusWriterOptions): PolicyStatusWriter {
  const delayMs = options.delayMs ?? 5000;
  const retryMs = options.retryMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  /** When `timer` fires (Date.now() ms). */
  let timerDue = 0;
  let stopped = false;
  let failures = 0;
  let running: Promise<void> = Promise.resolve();
  const leading = options.isLeader ?? (() => true);
  const synced = options.synced ?? (() => true);
  const now = options.now ?? (() => new Date());
  const written: WrittenStatuses = new Map();
  // One timer: a pending write moves earlier when asked (a change during a failure's backoff), never later.
  const schedule = (ms: number) => {
    if (stopped || (timer !== undefined && timerDue <= Date.now() + ms)) return;
    if (timer) clearTimeout(timer);
    timerDue = Date.now() + ms;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, ms);
  };
  const write = async () => {
    if (stopped || !leading()) return;
    if (!synced()) {
      schedule(delayMs);
      return;
    }
    let failed = false;
    const updates = stalePolicyStatuses(options.snapshot, conditionTime(now()));
    const known = policyStatusKeys(options.snapshot);
    for (const key of written.keys()) if (!known.has(key)) written.delete(key);
    for (const update of updates) {
      if (stopped || !leading()) return;
      const { kind, namespace, name, resourceVersion } = update;
      const key = statusKey(kind, namespace, name);
      const status = statusFingerprint(update.status);
      if (repeatsLastWrite(written, key, status, resourceVersion)) continue;
      try {
        await patchStatus(options.api, update);
        written.set(key, { status, resourceVersion });
      } catch (err) {
        failed = true;
        options.logger.warn({ err, kind, namespace, name }, `could not write ${kind} status`);
      }
    }
    failures = failed ? failures + 1 : 0;
    if (failed) schedule(retryMs * 2 ** Math.min(failures - 1, 3));
  };
  const flush = (): Promise<void> => (running = running.then(write));
  const unsubscribe = options.snapshot.onChange(() => schedule(delayMs));
  // A refused policy object changes no served copy: its refusals are followed apart.
  const unsubscribeValidity = options.snapshot.onPolicyValidity(() => schedule(delayMs));
  return {
    flush,
    stop: () => {
      stopped = true;
      unsubscribe();
      unsubscribeValidity();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** The status API from a kubeconfig. */
export async function policyStatusApi(kubeConfig: KubeConfig): Promise<StatusApi> {
  const { CustomObjectsApi } = await import('@kubernetes/client-node');
  return kubeConfig.makeApiClient(CustomObjectsApi);
}

export interface LedStatusWriterOptions {
  readonly kubeConfig: KubeConfig;
  readonly snapshot: ClusterSnapshot;
  readonly logger: Logger;
  /** The leader-election Lease (`--status-lease` in `--lease-namespace`). */
  readonly lease: { readonly name: string; readonly namespace: string };
  /** Registers `corral_leader_is_leader{lease}` here. */
  readonly registry?: Registry;
  readonly delayMs?: number;
  /** The cluster source's `synced()`: nothing is written before every kind has synced. */
  readonly synced?: () => boolean;
  /** Timings of the election (tests); kube's defaults otherwise (15 s / 10 s / 2 s). */
  readonly election?: Pick<LeaderElectionOptions, 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs'>;
}

export interface LedStatusWriter {
  readonly elector: LeaderElector;
  /** Stops writing, then releases the Lease so another replica takes over at once. */
  stop(): Promise<void>;
}

/** The status writer of a replica set: it writes only on the replica that holds the Lease. */
export async function startLedPolicyStatusWriter(options: LedStatusWriterOptions): Promise<LedStatusWriter> {
  const [api, leaseApi] = await Promise.all([
    policyStatusApi(options.kubeConfig),
    leaseApiFrom(options.kubeConfig),
  ]);
  // The writer asks the elector only from timers and flushes, after both exist.
  const writer = startPolicyStatusWriter({
    snapshot: options.snapshot,
    api,
    logger: options.logger,
    isLeader: () => elector.isLeader(),
    ...(options.delayMs === undefined ? {} : { delayMs: options.delayMs }),
    ...(options.synced === undefined ? {} : { synced: options.synced }),
  });
  const elector = createLeaderElector({
    api: leaseApi,
    ...options.lease,
    ...options.election,
    logger: options.logger,
    ...(options.registry ? { registry: options.registry } : {}),
    // Catch up at once on what changed while another replica led (or nobody did).
    onStartedLeading: () => {
      writer.flush().catch((err: unknown) => options.logger.warn({ err }, 'policy status flush failed'));
    },
  });
  elector.start();
  return {
    elector,
    stop: async () => {
      writer.stop();
      await elector.stop();
    },
  };
}
