import type { PolicyProblem } from '@corral/policy';
import { policyFilesError } from '../../errors.js';
import type { SnapshotSink, WatchedKind } from '../../sink.js';
import type { PolicyChecks } from '../../store/policy-checks.js';
import { fingerprint, listPolicyFiles } from './list-files.js';
import { loadPolicyFiles, type LoadedObjects } from './load-policy-files.js';
import { watchPath, type PathWatcher } from './watch-path.js';

/** Namespaces before the Departments that claim them, policies before the pods they govern. */
const APPLY_ORDER: readonly WatchedKind[] = [
  'Namespace',
  'Node',
  'Department',
  'NamespacePolicy',
  'PersistentVolumeClaim',
  'Pod',
];

export interface FileSourceOptions {
  readonly path: string;
  readonly sink: SnapshotSink;
  readonly watch: boolean;
  /** A reload found problems; the snapshot was left as it was. */
  readonly onProblems: (problems: readonly PolicyProblem[]) => void;
  /** A reload was applied. */
  readonly onApplied?: () => void;
  /** What a load (the first, and each one applied) skipped on purpose, such as kustomization files. */
  readonly onNotes?: (notes: readonly string[]) => void;
  /** Kinds this source owns (default: all six). With a cluster source, pass only the policy kinds. */
  readonly kinds?: readonly WatchedKind[];
  readonly debounceMs?: number;
  readonly pollIntervalMs?: number;
  readonly policyChecks?: PolicyChecks;
  readonly gpuResources?: readonly string[];
}

export interface FileSource {
  /** Reloads now if the files changed; true when a new set was applied. */
  reload(): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Loads the policy files into the sink and, when `watch` is on, reloads them on change. The first
 * load must be clean (a service must not start on a broken policy): it rejects with a
 * CLUSTER_ERR_POLICY_FILES error listing every problem. A later broken edit is reported through
 * `onProblems` and leaves the snapshot untouched; a good one is applied with replaceAll per kind,
 * which the sink turns into an incremental diff.
 */
export async function startFileSource(options: FileSourceOptions): Promise<FileSource> {
  const initial = await loadSettled(options);
  if (initial.problems.length > 0) throw policyFilesError(options.path, initial.problems);
  apply(options, initial);
  if (initial.notes.length > 0) options.onNotes?.(initial.notes);
  let seen = initial.fingerprint;
  let running: Promise<boolean> | undefined;
  let again = false;
  let stopped = false;

  const reloadOnce = async (): Promise<boolean> => {
    const current = fingerprint(await listPolicyFiles(options.path).catch(() => []));
    if (stopped || current === seen) return false;
    const loaded = await load(options);
    if (stopped) return false;
    seen = loaded.fingerprint;
    if (loaded.problems.length > 0) {
      options.onProblems(loaded.problems);
      return false;
    }
    apply(options, loaded);
    if (loaded.notes.length > 0) options.onNotes?.(loaded.notes);
    options.onApplied?.();
    return true;
  };
  const reload = async (): Promise<boolean> => {
    if (running) {
      again = true;
      return running;
    }
    running = reloadOnce().finally(() => (running = undefined));
    const applied = await running;
    if (!again) return applied;
    again = false;
    return (await reload()) || applied;
  };
  const watcher: PathWatcher | undefined = options.watch
    ? await watchPath(options.path, () => void reload(), {
        debounceMs: options.debounceMs ?? 200,
        pollIntervalMs: options.pollIntervalMs ?? 5_000,
      })
    : undefined;

  return {
    reload,
    async stop() {
      stopped = true;
      watcher?.close();
      await running;
    },
  };
}

/**
 * The first load, read again (up to three times) while its problems may come from the folder
 * changing under it (a file vanished, a ConfigMap update swapping its files): a service then
 * starts on the settled files instead of failing.
 */
async function loadSettled(options: FileSourceOptions): Promise<LoadedObjects> {
  let loaded = await load(options);
  for (let attempt = 1; attempt < 3 && loaded.problems.length > 0; attempt++) {
    const now = fingerprint(await listPolicyFiles(options.path).catch(() => []));
    if (now === loaded.fingerprint) break;
    loaded = await load(options);
  }
  return loaded;
}

function load(options: FileSourceOptions): Promise<LoadedObjects> {
  return loadPolicyFiles(options.path, {
    ...(options.policyChecks ? { policyChecks: options.policyChecks } : {}),
    ...(options.gpuResources ? { gpuResources: options.gpuResources } : {}),
  });
}

function apply(options: FileSourceOptions, loaded: LoadedObjects): void {
  const kinds = options.kinds ?? APPLY_ORDER;
  for (const kind of APPLY_ORDER) {
    if (kinds.includes(kind)) options.sink.replaceAll(kind, loaded.objects[kind], options.path);
  }
}
