import { describeProblem, unusableDefaultProblems, type NamespacePolicy } from '@corral/policy';
import { loadPolicyFiles, SnapshotStore } from '@corral/cluster';
import { dateAfter, dateUndated } from './check-ages.js';

/** The snapshot's kinds, policies before the objects they govern. */
const KINDS_IN_ORDER = [
  'Node',
  'Namespace',
  'Department',
  'NamespacePolicy',
  'Pod',
  'PersistentVolumeClaim',
] as const;

export type CheckSnapshot =
  { ok: true; snapshot: SnapshotStore } | { ok: false; problems: readonly string[] };

/**
 * Loads a policy file or folder into a snapshot for `corral check`, offline; every problem listed when
 * it is broken. Undated Departments and NamespacePolicies are dated just after the newest dated one
 * (check-ages.ts), so that what check creates afterwards is newer than all of them, as on a cluster.
 * `systemNamespaces` (--system-namespaces; default the services') are never any department's.
 */
export async function loadCheckSnapshot(
  path: string,
  gpuResources: readonly string[],
  systemNamespaces?: readonly string[],
): Promise<CheckSnapshot> {
  const loaded = await loadPolicyFiles(path, { gpuResources });
  if (loaded.problems.length > 0)
    return { ok: false, problems: loaded.problems.map((p) => describeProblem(p)) };
  // Defaults no pod could take are refused on write (the webhook): check says so of the files too.
  const unusable = loaded.objects.NamespacePolicy.flatMap((policy) =>
    unusableDefaultProblems(policy as NamespacePolicy, path),
  );
  if (unusable.length > 0) return { ok: false, problems: unusable.map((p) => describeProblem(p)) };
  const policies = [...loaded.objects.Department, ...loaded.objects.NamespacePolicy];
  const undatedAt = dateAfter(policies);
  const snapshot = new SnapshotStore({ gpuResources, ...(systemNamespaces ? { systemNamespaces } : {}) });
  for (const kind of KINDS_IN_ORDER) {
    const items = loaded.objects[kind];
    const dated = kind === 'Department' || kind === 'NamespacePolicy' ? dateUndated(items, undatedAt) : items;
    snapshot.replaceAll(kind, dated, path);
  }
  return { ok: true, snapshot };
}
