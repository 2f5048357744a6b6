import { describeProblem } from '@corral/policy';
import { loadPolicyFiles, SnapshotStore } from '@corral/cluster';

/** The snapshot's kinds, policies before the objects they govern. */
const KINDS_IN_ORDER = [
  'Node',
  'Namespace',
  'Department',
  'NamespacePolicy',
  'Pod',
  'PersistentVolumeClaim',
] as const;

export type LoadedSnapshot =
  { ok: true; snapshot: SnapshotStore } | { ok: false; problems: readonly string[] };

/** Loads a policy file or folder into a snapshot, offline; every problem listed when it is broken. */
export async function loadPolicySnapshot(
  path: string,
  gpuResources?: readonly string[],
): Promise<LoadedSnapshot> {
  const loaded = await loadPolicyFiles(path, gpuResources ? { gpuResources } : {});
  if (loaded.problems.length > 0)
    return { ok: false, problems: loaded.problems.map((p) => describeProblem(p)) };
  const snapshot = new SnapshotStore(gpuResources ? { gpuResources } : {});
  for (const kind of KINDS_IN_ORDER) snapshot.replaceAll(kind, loaded.objects[kind], path);
  return { ok: true, snapshot };
}
