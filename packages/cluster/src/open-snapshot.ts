import type { KubeConfig } from '@kubernetes/client-node';
import type { PolicyProblem } from '@corral/policy';
import type { Logger } from 'pino';
import { WATCHED_KINDS, type WatchedKind } from './sink.js';
import { startClusterSource } from './sources/cluster/index.js';
import { startFileSource } from './sources/files/file-source.js';
import type { ClusterSnapshot } from './store/cluster-snapshot.js';
import { SnapshotStore } from './store/snapshot-store.js';
import type { PolicyValidityChange } from './store/validity-changes.js';
import { validityLogEntry } from './validity/validity-log-entry.js';

const POLICY_KINDS: readonly WatchedKind[] = ['Department', 'NamespacePolicy'];

export interface OpenSnapshotOptions {
  /** YAML file or folder. Alone: every kind comes from files (the local default). */
  readonly policies?: string;
  /** With a cluster: every kind from informers, except the policy kinds when `policies` is set too. */
  readonly kubeConfig?: KubeConfig;
  readonly logger: Logger;
  /** Told each time a source's sync state changes; a service maps it onto /readyz. */
  readonly readiness?: (condition: string, ok: boolean, reason?: string) => void;
  /** Reload policy files when they change (default true). */
  readonly watchFiles?: boolean;
  readonly gpuResources?: readonly string[];
  /** Namespaces never any department's (SnapshotStoreOptions.systemNamespaces). */
  readonly systemNamespaces?: readonly string[];
}

export interface OpenedSnapshot {
  readonly snapshot: ClusterSnapshot;
  /** True once every kind read from the cluster has synced (always, with files only). */
  synced(): boolean;
  stop(): Promise<void>;
}

/**
 * Opens the snapshot a service decides from, from files, from the cluster, or policies from files
 * and the rest from the cluster. A broken policy file fails the start (every problem listed); a
 * later broken edit is logged and the last good snapshot kept.
 */
export async function openSnapshot(options: OpenSnapshotOptions): Promise<OpenedSnapshot> {
  if (!options.policies && !options.kubeConfig)
    throw new Error('openSnapshot needs policies or a kubeConfig');
  const store = new SnapshotStore({
    ...(options.gpuResources ? { gpuResources: options.gpuResources } : {}),
    ...(options.systemNamespaces ? { systemNamespaces: options.systemNamespaces } : {}),
  });
  // A policy object refused (or no longer): one line per change, never per relist (ADR 0003).
  store.onPolicyValidity((changes) => logValidity(options.logger, changes));
  const stops: (() => Promise<void>)[] = [];
  let synced = (): boolean => true;
  if (options.policies) {
    const files = await startFileSource({
      path: options.policies,
      sink: store,
      watch: options.watchFiles ?? true,
      kinds: options.kubeConfig ? POLICY_KINDS : WATCHED_KINDS,
      onProblems: (problems) => logProblems(options.logger, options.policies ?? '', problems),
      onApplied: () =>
        options.logger.info({ path: options.policies, revision: store.revision }, 'policy files reloaded'),
      onNotes: (notes) =>
        options.logger.info({ path: options.policies, notes }, 'policy files: skipped what is not policy'),
    });
    stops.push(() => files.stop());
    options.readiness?.('policy-files', true);
  }
  if (options.kubeConfig) {
    const kinds = options.policies
      ? WATCHED_KINDS.filter((kind) => !POLICY_KINDS.includes(kind))
      : WATCHED_KINDS;
    // The source reports only changes of sync state: every kind starts unready here, before it runs.
    for (const kind of kinds) options.readiness?.(`informer:${kind}`, false, `${kind} not listed yet`);
    const cluster = startClusterSource({
      kubeConfig: options.kubeConfig,
      sink: store,
      logger: options.logger,
      kinds,
      readiness: (kind, synced, reason) => options.readiness?.(`informer:${kind}`, synced, reason),
    });
    stops.push(() => cluster.stop());
    synced = () => cluster.synced();
  }
  return {
    snapshot: store,
    synced: () => synced(),
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

function logValidity(logger: Logger, changes: readonly PolicyValidityChange[]): void {
  for (const change of changes) {
    const entry = validityLogEntry(change);
    if (entry) logger[entry.level](entry.fields, entry.msg);
  }
}

function logProblems(logger: Logger, path: string, problems: readonly PolicyProblem[]): void {
  logger.error({ path, problems }, 'policy files have problems; keeping the last good snapshot');
}
